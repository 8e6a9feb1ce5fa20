"""Say once per conversation how old the source article is (clinical review F05).

The first answer of a conversation carries the source note ("written in about 2011 and put
online in 2020..."); later answers do not, and "where is this from?" gets the whole story at
any time (the `source` reply). Whether the note was shown is read from the conversation's own
events: an earlier bot message in this session whose custom data carries MARK. Plain Python
on Rasa's event dicts, so no state is kept anywhere else.
"""
from __future__ import annotations

MARK = "source_note"


def shown(events) -> bool:
    """True if a bot message of the current session already carried the source note."""
    for e in reversed(list(events or [])):
        kind = e.get("event")
        if kind == "session_started":
            return False
        if kind == "bot" and ((e.get("data") or {}).get("custom") or {}).get(MARK):
            return True
    return False
