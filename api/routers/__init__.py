"""Thin HTTP layer, one module per section, all mounted under /api/v1."""
