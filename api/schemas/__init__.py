"""Pydantic models: XCreate / XUpdate / XRead / XList."""
