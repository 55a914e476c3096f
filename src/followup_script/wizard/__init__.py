"""The interactive wizard."""
