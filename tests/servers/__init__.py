"""Real model servers on loopback for integration tests: an Ollama-protocol test server and llama_cpp.server."""
