"""The organization profile (public site) and Информирование: business logic and queries."""
