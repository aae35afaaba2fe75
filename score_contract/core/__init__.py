"""Plain data about what was observed, and pure comparisons of it: no I/O."""
