"""Custom Rasa NLU components: thin wrappers around the plain classes in bot/."""
