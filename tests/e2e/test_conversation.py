"""End to end over HTTP: both servers started as `make run` starts them."""
import json
import re
import threading
import uuid

from tests.e2e.harness import text_of

EMERGENCY = re.compile(r"emergency|999|ambulance", re.I)
NEXT_STEP = re.compile(r"nurse|doctor|team|\bGP\b", re.I)


def sender():
    return "e2e-" + uuid.uuid4().hex[:12]


def test_greeting_has_disclaimer_and_topics(stack):
    reply = stack.say(sender(), "hello")
    assert "cannot give advice about you" in reply[0]["text"]
    assert reply[-1]["buttons"]


def test_answer_with_next_step_and_source(stack):
    reply = stack.say(sender(), "how often do people have lanreotide injections")
    body = text_of(reply)
    assert "3–4 weeks" in body
    assert NEXT_STEP.search(body) and "Source:" in body
    assert not EMERGENCY.search(reply[0]["text"])


def test_follow_up_keeps_the_subject(stack):
    s = sender()
    stack.say(s, "tell me about carcinoid heart disease please")
    body = text_of(stack.say(s, "how would they check for it"))
    assert "echo" in body.lower()


def test_button_payload_answers(stack):
    body = text_of(stack.say(sender(), '/ask_how_treated{"subject":"chd"}'))
    assert "diuretic" in body.lower()


def test_emergency_first_even_inside_a_question(stack):
    reply = stack.say(sender(), "what is octreotide? also my chest hurts really badly")
    assert reply[0]["text"].startswith("Call 999 now")


def test_emergency_mid_conversation(stack):
    s = sender()
    stack.say(s, "what is sunitinib")
    assert stack.say(s, "mum has collapsed and wont wake up")[0]["text"].startswith("Call 999 now")


def test_symptom_is_not_over_triaged(stack):
    reply = stack.say(sender(), "my feet and ankles are more swollen this week")
    assert NEXT_STEP.search(text_of(reply))
    first_sentences = re.split(r"(?<=[.!?])\s+", reply[0]["text"])
    assert not any(EMERGENCY.search(x) and not re.search(r"\bif\b", x, re.I) for x in first_sentences)


def test_not_covered_is_honest(stack):
    body = text_of(stack.say(sender(), "can i have lutathera"))
    assert "does not cover" in body and NEXT_STEP.search(body)


def test_off_topic_twice_offers_nurse(stack):
    s = sender()
    first = text_of(stack.say(s, "what's the weather like in leeds"))
    assert "only help" in first
    second = text_of(stack.say(s, "tell me a joke"))
    assert "01234 567 890" in second


def test_bad_input(stack):
    assert stack.post_raw(b"this is not json")[0] == 400
    assert stack.post_raw(b'{"message": "no sender"}')[0] == 400
    status, body = stack.post_raw(json.dumps({"sender": sender(), "message": ""}).encode())
    assert status == 200 and "type a question" in body[0]["text"]
    status, body = stack.post_raw(json.dumps({"sender": sender(), "message": "x" * 3000}).encode())
    assert status == 200 and "too long" in body[0]["text"]
    # over the 16 KB body cap: refused before it is parsed (docs/security.md, H1)
    status, body = stack.post_raw(json.dumps({"sender": sender(), "message": "x" * 100_000}).encode())
    assert status == 413
    for odd in ["😀😀😀", "Какое лечение?", "治疗方法是什么", "<script>alert(1)</script>", "' OR 1=1 --"]:
        status, body = stack.post_raw(json.dumps({"sender": sender(), "message": odd}).encode())
        assert status == 200 and body and body[0].get("text"), odd


def test_other_patients_are_served_while_one_sends_junk(stack):
    errors = []

    def junk():
        for _ in range(5):
            stack.post_raw(json.dumps({"sender": sender(), "message": "y" * 100_000}).encode())

    t = threading.Thread(target=junk)
    t.start()
    for _ in range(5):
        try:
            assert "3–4 weeks" in text_of(stack.say(sender(), "how often is octreotide LAR given"))
        except AssertionError as e:
            errors.append(e)
    t.join()
    assert not errors


def test_http_api_is_off_without_token(stack):
    status, _ = stack.post_raw(b"")  # channel still answers (400), API routes do not exist
    assert status == 400
    import urllib.request, urllib.error
    try:
        urllib.request.urlopen(stack.url + "/conversations/x/tracker", timeout=5)
        assert False, "tracker readable without a token"
    except urllib.error.HTTPError as e:
        assert e.code in (401, 403, 404)


def test_no_patient_text_in_server_logs(stack):
    marker = "zq" + uuid.uuid4().hex[:10]
    for text in [f"what is {marker} lanreotide", f"{marker} " + "x" * 3000, f"{marker} chest pain"]:
        stack.say(sender(), text)
    stack.post_raw(f'{{"sender": "{marker}", "message": 5}}'.encode())  # a 400 path too
    import time
    time.sleep(1)
    assert stack.log, "server output was collected"
    assert not [l for l in stack.log if marker in l]


def test_conversation_survives_restart(stack):
    s = sender()
    stack.say(s, "what is everolimus")
    stack.stop()
    stack.start()
    body = text_of(stack.say(s, "who is it for"))
    assert "pancrea" in body.lower()


def test_test_conversations_stay_out_of_the_real_store(stack):
    # `make run` keeps real conversations in var/; test runs (and `make bench`) must not add to it
    from pathlib import Path
    from bot import PROJECT_ROOT
    real = PROJECT_ROOT / "var" / "tracker.db"
    before = real.stat().st_mtime_ns if real.exists() else None
    stack.say(sender(), "what is lanreotide")
    assert (Path(stack.data_dir) / "tracker.db").stat().st_size > 0
    assert (real.stat().st_mtime_ns if real.exists() else None) == before
