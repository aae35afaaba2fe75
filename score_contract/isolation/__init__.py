"""Process isolation: one worker process per script, its process group, its death."""
