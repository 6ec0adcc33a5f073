"""Desktop client for the commercial sector of a water or electricity utility."""

__version__ = "0.1.0"
