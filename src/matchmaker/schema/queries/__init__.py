"""Query mixins, one module per domain, composed in ``matchmaker.schema``."""
