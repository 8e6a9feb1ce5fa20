"""Old conversations are forgotten, whole, and cannot be read back from the file."""
import sqlite3

import pytest

from bot.privacy.retention import DAY, forget_old
from bot.settings import Settings, SettingsError

NOW = 1_800_000_000.0


def make_db(path, conversations):
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                  "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
                  "action_name VARCHAR(255), data TEXT)")
        for sender, ages in conversations.items():
            for age in ages:
                c.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                          (sender, NOW - age * DAY, f'{{"text": "secret words of {sender}"}}'))


def senders(path):
    with sqlite3.connect(path) as c:
        return {r[0] for r in c.execute("SELECT DISTINCT sender_id FROM events")}


def test_forgets_only_conversations_with_nothing_new(tmp_path):
    db = tmp_path / "tracker.db"
    make_db(db, {"old": [40, 35], "recent": [2, 1], "came_back": [90, 3]})
    assert forget_old(db, 30, now=NOW) == 1
    # a conversation that started long ago but had a message 3 days ago is kept whole
    assert senders(db) == {"recent", "came_back"}
    assert forget_old(db, 30, now=NOW) == 0


def test_forgotten_text_is_not_left_in_the_file(tmp_path):
    db = tmp_path / "tracker.db"
    make_db(db, {"old": [40], "recent": [1]})
    forget_old(db, 30, now=NOW)
    assert b"secret words of old" not in db.read_bytes()
    assert b"secret words of recent" in db.read_bytes()


def test_no_database_or_no_table_is_nothing_to_forget(tmp_path):
    assert forget_old(tmp_path / "missing.db", 30) == 0
    sqlite3.connect(tmp_path / "empty.db").close()
    assert forget_old(tmp_path / "empty.db", 30) == 0


def test_retention_comes_from_settings(tmp_path):
    assert Settings.load().keep_conversations_days >= 1
    base = "clinic: {name: X, nurse_line: '1', nurse_hours: 'always'}\n"
    for bad in ("0", "-3", "'thirty'", "true"):
        path = tmp_path / "s.yml"
        path.write_text(base + f"privacy: {{keep_conversations_days: {bad}}}\n")
        with pytest.raises(SettingsError):
            Settings.load(path)
    path.write_text(base + "privacy: {keep_conversations_days: 7}\n")
    assert Settings.load(path).keep_conversations_days == 7
