"""Erasure through a store's SQLAlchemy engine (PostgreSQL in cluster mode; SQLite here)."""
import sqlalchemy

from bot.privacy.erasure import delete_sql_conversation


def test_one_conversation_is_deleted_and_no_other(tmp_path):
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'events.db'}")
    with engine.begin() as c:
        c.execute(sqlalchemy.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        for s in ("a", "a", "b"):
            c.execute(sqlalchemy.text("INSERT INTO events (sender_id, data) VALUES (:s, 'x')"), {"s": s})
    assert delete_sql_conversation(engine, "a") == 2
    with engine.begin() as c:
        assert [r[0] for r in c.execute(sqlalchemy.text("SELECT sender_id FROM events"))] == ["b"]
