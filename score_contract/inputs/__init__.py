"""Which request bodies are valid: contracts, JSON Schema, strategies, samples."""
