"""Composing a message: plan, render, a channel's finish and the guard, through the plugins."""
