"""Redaction of consented questions, and the feedback endpoint's checks (no Rasa server)."""
from __future__ import annotations

import json
import sqlite3
import uuid

import pytest

from bot.analytics.redact import redact
from bot.analytics.vocabulary import terms, vocabulary
from bot.rasa_ext.channels.feedback import FeedbackService, Invalid

JSON = "application/json"


@pytest.mark.parametrize("text,gone,kept", [
    ("My name is Margaret Okonkwo-Pryce, is lanreotide safe?", ["Margaret", "Okonkwo", "Pryce"],
     ["name", "lanreotide", "safe"]),
    ("call me on 07700 900982 or +44 7700 900982 about the injections", ["07700", "900982", "+44"],
     ["call", "injections"]),
    ("my NHS number is 485 777 3456 and my hospital number is K1234567", ["485", "777", "3456", "K1234567"],
     ["NHS", "number"]),
    ("we live at 14 Acacia Avenue, Harrogate HG1 2AB, can the nurse visit?", ["14", "Acacia", "Harrogate",
                                                                             "HG1", "2AB"], ["nurse", "visit"]),
    ("my post code is sw1a 1aa", ["sw1a", "1aa"], ["my post code is"]),
    ("email me at pat.jones+net@example.co.uk please", ["pat.jones", "example"], ["email", "please"]),
    ("born 03/04/1951, seen on 12th March by Dr Ifeoma", ["03/04/1951", "12th", "March", "Ifeoma", "Dr"], ["born"]),
    ("my husband Dave and our son are worried about octreotide", ["Dave"], ["husband", "octreotide", "worried"]),
    ("the number is nine four three double two one", ["nine four three"], ["the number is"]),
    ("does Somatuline help with diarrhoea?", [], ["Somatuline", "diarrhoea", "help"]),
])
def test_redaction_keeps_common_and_net_words_only(text, gone, kept):
    out = redact(text)
    for piece in gone:
        assert piece not in out, out
    for piece in kept:
        assert piece in out, out
    assert "[" in out or not gone


def test_placeholders_say_what_kind_and_runs_merge():
    assert redact("Ring Bob Smith on 01632 960 123 or bob@example.org") == "Ring [word] on [number] or [email]"


def test_shouting_is_not_taken_for_names_and_capitalised_drug_names_stay():
    assert redact("WHAT IS LANREOTIDE FOR") == "WHAT IS LANREOTIDE FOR"
    assert redact("Can I take Octreotide with Afinitor?") == "Can I take Octreotide with Afinitor?"


def test_allowlist_drops_names_and_places_but_has_the_projects_words():
    words = vocabulary()
    assert len(words) > 30_000
    for name in ("john", "smith", "sarah", "patel", "khan", "leeds", "london", "monday", "june", "davies"):
        assert name not in words
    for word in ("lanreotide", "somatuline", "octreotide", "metastases", "tired", "injection"):
        assert word in words
    assert "lanreotide" in terms() and "tired" not in terms()


def vote_body(**kw):
    body = {"sender": "web-1234", "id": str(uuid.uuid4()), "answer_id": "lanreotide-what-is", "helpful": False}
    return json.dumps({**body, **kw}).encode()


@pytest.fixture
def service(tmp_path):
    return FeedbackService(tmp_path / "analytics.db", keep_days=30)


def test_a_vote_and_its_reason_are_stored_once_with_an_unlinkable_key(service, tmp_path):
    body = vote_body()
    assert service.helpful(body, JSON) == "stored"
    assert service.helpful(body, JSON) == "duplicate"
    vid = json.loads(body)["id"]
    reason = json.dumps({"sender": "web-1234", "id": vid, "reason": "not_answered"}).encode()
    assert service.reason(reason, JSON) == "stored"
    assert service.reason(reason, JSON) == "duplicate"
    row = sqlite3.connect(tmp_path / "analytics.db").execute(
        "SELECT answer_id, topic, helpful, reason, conv FROM feedback").fetchall()
    assert row[0][:4] == ("lanreotide-what-is", "Medicines for NETs", 0, "not_answered")
    assert "web-1234" not in row[0][4]


@pytest.mark.parametrize("raw,ctype,status", [
    (vote_body(), "text/plain", "415"),
    (b"{not json", JSON, "400"),
    (b"[]", JSON, "400"),
    (vote_body(sender="bad sender!"), JSON, "400"),
    (vote_body(id="123"), JSON, "400"),
    (vote_body(answer_id="Zebedee Quixote"), JSON, "400"),
    (vote_body(helpful="yes"), JSON, "400"),
    (b"{" + b" " * 9000 + b"}", JSON, "413"),
])
def test_bad_votes_get_a_4xx_and_store_nothing(service, tmp_path, raw, ctype, status):
    with pytest.raises(Invalid) as e:
        service.helpful(raw, ctype)
    assert str(e.value).startswith(status + ":")
    assert service.store.db["feedback"].count == 0


def test_a_reason_must_be_one_of_the_listed_ones(service):
    service.helpful(vote_body(id="11111111-1111-4111-8111-111111111111"), JSON)
    with pytest.raises(Invalid):
        service.reason(json.dumps({"sender": "web-1234", "id": "11111111-1111-4111-8111-111111111111",
                                   "reason": "my name is Zebedee"}).encode(), JSON)


def test_a_consented_question_is_stored_redacted(service, tmp_path):
    body = json.dumps({"sender": "web-9", "id": str(uuid.uuid4()), "trigger": "not_covered",
                       "question": "Can Zebedee Quixote (NHS 943 476 5919) drink wine on lanreotide?"}).encode()
    assert service.question(body, JSON) == "stored"
    text = sqlite3.connect(tmp_path / "analytics.db").execute("SELECT text FROM questions").fetchone()[0]
    assert text == "Can [word] (NHS [number]) drink wine on lanreotide?"
    for f in tmp_path.iterdir():
        assert b"Zebedee" not in f.read_bytes() and b"5919" not in f.read_bytes()


def test_a_question_of_nothing_but_names_is_not_kept(service):
    body = json.dumps({"sender": "web-9", "id": str(uuid.uuid4()), "trigger": "second_miss",
                       "question": "Zebedee Quixote 07700900123"}).encode()
    assert service.question(body, JSON) == "empty"
    assert service.store.db["questions"].count == 0
