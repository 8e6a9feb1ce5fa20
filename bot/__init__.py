"""NET patient education bot: the project's own code, in packages that follow a message's path.

Plain Python, testable without Rasa: content (build the knowledge base from content/),
understanding, safety, answers, intake (the channel's checks), privacy, ops (launcher, cluster),
web, analytics. All code that imports Rasa lives in bot.rasa_ext. Paths: bot/paths.py;
settings: bot/settings.py. A map of the packages: docs/architecture.md.
"""
from bot.paths import PROJECT_ROOT

__all__ = ["PROJECT_ROOT"]
