"""The analytics store, conversation keys, and folding Rasa events into turn rows (no Rasa server)."""
from __future__ import annotations

import os
import stat
import time

import pytest

from bot.analytics import store
from bot.analytics.dispositions import BY_INTENT, disposition
from bot.analytics.keys import DAY, ConversationKeys
from bot.analytics.known import known
from bot.analytics.turns import TurnCollector, fold
from bot.privacy.retention import forget_old_analytics

MARKER = "Zebedee Quixote 07700 900123"


def user(text="what is lanreotide", intent="ask_what_is", ts=100.0, entities=(), triage=None, sender="s1"):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9},
             "entities": [{"entity": e, "value": v, "start": 0, "end": 3} for e, v in entities],
             "triage": triage or {"level": "none", "category": None}}
    return {"sender_id": sender, "event": "user", "timestamp": ts, "text": text, "parse_data": parse,
            "metadata": {"channel": "web-widget", "note": text}}


def action(name, ts, sender="s1"):
    return {"sender_id": sender, "event": "action", "name": name, "timestamp": ts}


def bot(text, ts, custom=None, sender="s1"):
    return {"sender_id": sender, "event": "bot", "text": text, "timestamp": ts,
            "data": {"custom": custom, "buttons": None}}


def slot(name, value, ts, sender="s1"):
    return {"sender_id": sender, "event": "slot", "name": name, "value": value, "timestamp": ts}


def test_a_turn_keeps_ids_and_numbers_only():
    events = [user(MARKER + " what is lanreotide", entities=[("subject", "lanreotide")]),
              action("action_answer", 100.01), bot(MARKER, 100.02),
              bot("Next step", 100.03, {"answer_id": "lanreotide-what-is", "cites": ["ssa"]}),
              slot("subject", "lanreotide", 100.03), slot("aspect", "what_is", 100.03),
              action("action_listen", 100.05)]
    row = fold(events, known(), "key1")
    assert row == {"conv": "key1", "intent": "ask_what_is", "disposition": "none", "rule": None,
                   "action": "action_answer", "answer_id": "lanreotide-what-is", "topic": "Medicines for NETs",
                   "aspect": "what_is", "subject": "lanreotide", "uncovered": None, "not_covered": 0,
                   "fallback": 0, "second_miss": 0, "typed": 1, "latency_ms": 50.0}
    assert "Zebedee" not in repr(row)


def test_free_text_in_intents_entities_and_slots_is_not_kept():
    """A patient can type "/my_name_is_x{...}": only ids from the project's lists are kept."""
    events = [user("/zebedee_quixote{\"subject\": \"Zebedee\"}", intent="zebedee_quixote",
                   entities=[("subject", "Zebedee"), ("uncovered_topic", "Quixote")]),
              action("action_handle_miss", 100.1), slot("subject", "Zebedee", 100.1),
              bot("x", 100.1, {"answer_id": "Zebedee", "signal": "second_miss"}), action("action_listen", 100.2)]
    row = fold(events, known(), "k")
    assert row["intent"] == "other" and row["subject"] is None and row["uncovered"] is None
    assert row["answer_id"] is None and row["typed"] == 0 and row["second_miss"] == 1 and row["fallback"] == 1
    assert "ebedee" not in repr(row) and "uixote" not in repr(row)


@pytest.mark.parametrize("intent,expected", [("emergency", "emergency"), ("emergency_crisis", "crisis"),
                                             ("report_symptom", "soon"), ("ask_what_is", "none"),
                                             (None, "none")])
def test_dispositions_come_from_one_table(intent, expected):
    assert disposition(intent) == expected
    assert set(BY_INTENT.values()) <= {"emergency", "crisis", "urgent", "soon"}


def test_the_intent_the_safety_rules_answered_decides():
    # the triage forces the intent for its own decisions; a classifier-only symptom report has
    # no triage disposition but still got the symptom reply
    assert disposition("urgent_symptom", {"disposition": "urgent"}) == "urgent"
    assert disposition("report_symptom", {"disposition": "none"}) == "soon"
    assert disposition("ask_what_is", {"disposition": "made-up"}) == "none"
    assert disposition(None, {"disposition": "crisis"}) == "crisis"


def test_a_symptom_the_classifier_found_counts_as_the_reply_the_patient_got():
    """The triage found no phrase, the classifier's symptom guess sent the symptom reply: soon."""
    assert disposition("report_symptom", {"disposition": "none"}) == "soon"
    assert disposition("ask_what_is", {"disposition": "none"}) == "none"


def test_emergency_turn_records_rule_and_disposition():
    events = [user("crushing chest pain", intent="emergency", triage={"level": "emergency", "category": "chest_pain"}),
              action("utter_emergency", 100.002), bot("Call 999 now", 100.002), action("action_listen", 100.003)]
    row = fold(events, known(), "k")
    assert (row["disposition"], row["rule"], row["action"]) == ("emergency", "chest_pain", "utter_emergency")


def test_collector_completes_turns_per_conversation_and_ignores_session_starts():
    c = TurnCollector(known())
    assert c.add(action("action_session_start", 99.0)) is None
    assert c.add(user(sender="a")) is None
    assert c.add(user(sender="b")) is None
    assert c.add(action("action_answer", 100.1, sender="a")) is None
    done = c.add(action("action_listen", 100.2, sender="a"))
    assert [e["event"] for e in done] == ["user", "action", "action"]
    assert list(c.open) == ["b"]


def test_keys_are_stable_then_unlinkable_after_rotation(tmp_path):
    now = [1_000_000.0]
    keys = ConversationKeys(tmp_path, rotate_days=30, clock=lambda: now[0])
    first = keys.key("sender-1")
    assert first == keys.key("sender-1") != keys.key("sender-2")
    assert "sender-1" not in first and len(first) == 24
    assert stat.S_IMODE(os.stat(tmp_path / "analytics.secret").st_mode) == 0o600
    # another process (new object) with the same secret gets the same key
    assert ConversationKeys(tmp_path, 30, clock=lambda: now[0]).key("sender-1") == first
    now[0] += 31 * DAY
    os.utime(tmp_path / "analytics.secret", (now[0] - 31 * DAY, now[0] - 31 * DAY))
    rotator = ConversationKeys(tmp_path, 30, clock=lambda: now[0])
    assert rotator.rotate_if_old()
    assert rotator.key("sender-1") != first
    assert keys.key("sender-1") != first  # the old process picks up the new secret too


def stamped(at, **kw):
    base = {"conv": "c", "intent": "ask_what_is", "disposition": "none", "not_covered": 0, "fallback": 0,
            "second_miss": 0, "typed": 1, "latency_ms": 10.0}
    return store.stamp({**base, **kw}, at)


def test_store_is_private_and_votes_count_once(tmp_path):
    s = store.AnalyticsStore(tmp_path / "analytics.db")
    assert stat.S_IMODE(os.stat(tmp_path / "analytics.db").st_mode) == 0o600
    vote = store.stamp({"id": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "conv": "c", "answer_id": "a",
                        "topic": "t", "helpful": 0})
    assert s.add_vote(vote) == "stored"
    assert s.add_vote({**vote, "helpful": 1}) == "duplicate"
    assert s.add_reason(vote["id"], "other-conversation", "hard_to_understand") == "duplicate"
    assert s.add_reason(vote["id"], "c", "hard_to_understand") == "stored"
    assert s.add_reason(vote["id"], "c", "not_expected") == "duplicate"
    rows = list(s.db["feedback"].rows)
    assert len(rows) == 1 and rows[0]["helpful"] == 0 and rows[0]["reason"] == "hard_to_understand"


def test_retention_deletes_old_rows_of_every_table(tmp_path):
    now = time.time()
    s = store.AnalyticsStore(tmp_path / "analytics.db")
    s.add_turns([stamped(now - 40 * DAY), stamped(now - 1 * DAY)])
    s.add_vote(store.stamp({"id": "old", "conv": "c", "answer_id": "a", "topic": "t", "helpful": 1}, now - 40 * DAY))
    s.add_question(store.stamp({"id": "new", "conv": "c", "trigger": "not_covered", "text": "diet"}, now))
    assert forget_old_analytics(tmp_path, 30, now) == 2
    assert s.db["turns"].count == 1 and s.db["feedback"].count == 0 and s.db["questions"].count == 1


def test_one_conversation_can_be_erased_by_its_sender_id(tmp_path):
    keys = ConversationKeys(tmp_path, 30)
    s = store.AnalyticsStore(tmp_path / "analytics.db")
    s.add_turns([stamped(time.time(), conv=keys.key("mine")), stamped(time.time(), conv=keys.key("theirs"))])
    assert store.forget_sender("mine", 30, tmp_path) == 1
    assert [r["conv"] for r in s.db["turns"].rows] == [keys.key("theirs")]


def test_weeks_start_on_monday():
    import datetime as dt
    wed = dt.datetime(2025, 3, 12, 15, 0).timestamp()
    assert store.week_of(wed) == "2025-03-10" and store.day_of(wed) == "2025-03-12"


def test_weekly_rollup_always_equals_counting_the_turns(tmp_path):
    """The staff page reads weekly totals kept by SQLite triggers; after inserts, retention and
    erasure they must equal the same figures counted from the turns themselves."""
    import random

    from bot.analytics.figures import weekly, weekly_from_turns
    rnd = random.Random(7)
    now = time.time()
    s = store.AnalyticsStore(tmp_path / "analytics.db")
    rows = [stamped(now - rnd.random() * 60 * DAY, conv=f"c{rnd.randrange(80)}",
                    disposition=rnd.choice(["none", "none", "emergency", "crisis", "urgent", "soon"]),
                    answer_id=rnd.choice([None, "lanreotide-what-is"]), fallback=rnd.randrange(2),
                    second_miss=rnd.randrange(2), not_covered=rnd.randrange(2), typed=rnd.randrange(2))
            for _ in range(1500)]
    s.add_turns(rows)
    assert weekly(s.db) == weekly_from_turns(s.db)
    assert weekly(s.db)[1] == 80 and sum(r[1] for r in weekly(s.db)[0]) == 1500
    forget_old_analytics(tmp_path, 30, now)
    s.db.execute("DELETE FROM turns WHERE conv = 'c3'")
    assert weekly(s.db) == weekly_from_turns(s.db)
    assert all(r[1] > 0 for r in weekly(s.db)[0])
