"""wafr: automated AWS Well-Architected Framework Reviews."""

__version__ = "0.1.0"
