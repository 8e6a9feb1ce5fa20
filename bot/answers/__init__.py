"""Answers, in plain Python: the knowledge service (SQLite), the fixed replies filled with the
clinic's settings, and the composer that turns an answer into what the patient sees."""
