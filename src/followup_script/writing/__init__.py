"""Writing the words: the sandboxed renderer, the courtesy guard and speech timing."""
