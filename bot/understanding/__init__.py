"""Understanding a message, in plain Python: its subjects, its questions, what kind each is,
follow-ups, yes/no checks, and sanity checks on the classifier (the intent guard)."""
