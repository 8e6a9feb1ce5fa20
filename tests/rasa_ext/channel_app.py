"""The REST channel (bot/rasa_ext/channels/rest.py) on Sanic with a stand-in for Rasa's agent, for fast HTTP tests.

    python -m tests.rasa_ext.channel_app PORT DATA_DIR

The stand-in answers every message with "ok:<length of the text it was given>" and stores nothing
but what the channel asks it to (the SQLite tracker and lock files of DATA_DIR, for erasure).
Its log goes to stdout, for the tests that look for tracebacks or patient text in it.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.rasa_ext.channels.rest import GuardedRestInput
from bot.rasa_ext.stores.sqlite_locks import SQLiteLockStore


class FakeAgent:
    def __init__(self, data_dir: Path):
        db = data_dir / "tracker.db"
        with sqlite3.connect(db) as c:
            c.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                      "type_name TEXT, timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        self.tracker_store = SimpleNamespace(engine=sa.create_engine(f"sqlite:///{db}"), _cache={})
        self.lock_store = SQLiteLockStore(db=str(data_dir / "locks.db"))
        self.db = db
        self.metadata: list = []

    async def handle_message(self, message) -> None:
        self.metadata.append(message.metadata)
        with sqlite3.connect(self.db) as c:  # what Rasa would store: the text it was given
            c.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', 0, ?)",
                      (message.sender_id, message.text))
        await message.output_channel.send_text_message(message.sender_id, f"ok:{len(message.text)}")


def make_app(data_dir: Path) -> Sanic:
    app = Sanic("channel_test", configure_logging=False)
    app.ctx.agent = FakeAgent(data_dir)
    register([GuardedRestInput()], app, route="/webhooks/")
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(levelname)s %(name)s %(message)s")
    port, data_dir = int(sys.argv[1]), Path(sys.argv[2])
    app = make_app(data_dir)
    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
