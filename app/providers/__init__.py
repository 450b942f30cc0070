"""Model providers resolved from spec strings ("ollama:…", "openai:…", "llamacpp:…", "local:…")."""
