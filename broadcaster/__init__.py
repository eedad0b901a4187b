"""broadcaster: commune radio automation for Vietnamese communes."""

__version__ = "0.1.0"
