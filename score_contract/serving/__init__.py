"""What the official server does to a script: load it, call run(), build the response."""
