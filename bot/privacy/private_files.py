"""Conversation files readable by the bot's own user only (docs/privacy.md, M3).

The launcher sets the process umask to 077 before it starts the servers (they inherit it), so
every file they create (tracker.db, locks.db and their -wal/-shm files) is 0600, and makes the
data folder 0700. Files made before this change are tightened at start too.
"""
from __future__ import annotations

import os
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600


def private_data_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed; it and the files in it: owner only."""
    os.umask(0o077)
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    for f in path.iterdir():
        if f.is_file() and not f.is_symlink():
            os.chmod(f, FILE_MODE)
    return path
