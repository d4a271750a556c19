"""Importing this module registers every job function and the give-up alert."""

from matchmaker.jobs import (
    alerts,  # noqa: F401
    maintenance,  # noqa: F401
    matching,  # noqa: F401
    micro_wishes,  # noqa: F401
    oversight,  # noqa: F401
    procurement,  # noqa: F401
    volunteering,  # noqa: F401
)
