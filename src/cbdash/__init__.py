"""cbdash: who maps cybersecurity capacity building (CCB), where, on what, for whom."""

__version__ = "0.1.0"
