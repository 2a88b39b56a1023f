"""Schemas of the organization profile (public site) and Информирование, one module per tab."""
