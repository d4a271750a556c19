"""Batch functions for per-request DataLoaders (see ``Context.loader``), one module per domain."""
