"""Bilim OUO: the workplace of an education management body (ОУО) over its schools."""

__version__ = "0.1.0"
