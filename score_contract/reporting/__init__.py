"""What a contract run leaves behind for CI: the JSON report (with its JSON Schema),
the Markdown summary for pull requests, and the figures both show (latency, memory)."""
