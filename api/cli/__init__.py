"""The command-line tools behind `python -m api` (developer and operator tooling, not the web app)."""
