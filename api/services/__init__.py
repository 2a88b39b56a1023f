"""Business logic and queries."""
