"""Integration of school systems: API tokens and bulk upserts keyed by the source system's external ids."""
