"""Per-turn audit trail, prices, and the metrics `switchboard report` shows."""
