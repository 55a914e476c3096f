"""Built-in channels, registered through the same hooks as outside plugins."""
