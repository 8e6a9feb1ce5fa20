"""Custom Rasa policies."""
