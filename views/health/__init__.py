"""Whether the app can serve: /healthz and /readyz, and the 503 answered while the database is away, locked or full."""
