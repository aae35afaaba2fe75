"""The search: the order bodies are sent in, Hypothesis's search, the shrinker."""
