"""How the app keeps its data: the engine and its connections (database), the one commit boundary (transaction),
the schema check at start-up (schema), statements built once (statements), the change counters every write
bumps (change_counters, settings_version) and the per-worker copies they validate (settings_cache)."""
