"""Rasa tracker and lock stores: SQLite for one machine, PostgreSQL and Redis for a cluster."""
