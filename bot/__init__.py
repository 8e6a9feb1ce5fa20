"""NET patient education bot: knowledge base, safety triage, settings and web widget.

Everything here is plain Python, usable and testable without Rasa running.
"""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
