"""The report engine and the reports (see engine.py and README.md)."""
