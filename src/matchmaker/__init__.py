"""matchmaker: the four-party linkage (四社联动) platform."""

__version__ = "0.1.0"
