"""Intent detection: catalog (intents as data), fast classifier, SLM fallback, conversation context."""
