"""Where things are: the project's own files, what `make build` writes, the trained model, and
the folder where the running bot keeps conversations. One name per place; everything imports it.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_ROOT / "content"            # everything the bot says (reviewed YAML)
CONFIG_DIR = PROJECT_ROOT / "config"              # the deploying clinic's settings
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"         # the hand-written Rasa domain
BUILD_DIR = PROJECT_ROOT / "build"                # written by `make build`, never edited
KNOWLEDGE_DB = BUILD_DIR / "knowledge.db"
SPACY_MODEL_DIR = BUILD_DIR / "spacy_model"
DOMAIN_DIR = BUILD_DIR / "domain"                 # domain.yml plus the generated responses
MODEL = PROJECT_ROOT / "models" / "net-bot.tar.gz"  # written by `make model`
RESULTS_DIR = PROJECT_ROOT / "results"            # benchmark and test reports
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"           # the only default of BOT_DATA_DIR


def data_dir() -> Path:
    """Where the running bot keeps conversations, locks and analytics: $BOT_DATA_DIR, else var/.
    (make, bot.ops.serve and the tests set BOT_DATA_DIR; nothing else has its own default.)"""
    return Path(os.environ.get("BOT_DATA_DIR") or DEFAULT_DATA_DIR)
