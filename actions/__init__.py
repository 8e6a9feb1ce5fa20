"""Thin rasa-sdk actions: read the tracker, ask bot/ for the reply, return events."""
