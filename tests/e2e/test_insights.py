"""200 scripted conversations through the REST channel and the widget's feedback endpoint, then
every figure on the staff page (HTML tables and CSV) is checked against the scripted counts.
Also: no patient text reaches the analytics store unless the patient agreed to keep a question.
"""
from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot import content
from bot.analytics.figures import ESCALATIONS
from bot.analytics.redact import redact
from bot.analytics.store import week_of
from bot.answers.replies import Replies
from bot.web.server import make_server
from bot.web.staff import StaffApp

TOKEN = "e2e-staff-token-0123456789abcdef"
# What the patient is told first -> the disposition the staff page must count. The safety
# replies' names (content/responses.yml); adapt with bot/analytics/dispositions.py.
REPLY_DISPOSITION = {"emergency": "emergency", "emergency_crisis": "crisis", "symptom": "soon"}
ANSWERS = ["what is lanreotide", "how often do you have octreotide injections", "what is carcinoid heart disease",
           "tell me about surgery for a NET", "what is the outlook for people with NETs", "what is everolimus",
           "how is chemotherapy used"]
EMERGENCIES = ["I have crushing pain in my chest right now and can't breathe", "my dad has collapsed and is not breathing"]
CRISES = ["I keep thinking about ending my life"]
SYMPTOMS = ["my ankles have been a bit puffy this week", "I've had diarrhoea on and off for a few days"]
UNCOVERED = ["can I drink alcohol while on lanreotide", "is PRRT an option for me",
             "will lanreotide make my hair fall out", "where should I store my injections",
             "can Zebedee Quixote have a glass of wine with his jabs"]
OFF_TOPIC = [("what's the best pizza topping", "who won the football last night"),
             ("what time is it in tokyo", "what's the best pizza topping")]
REASONS = ["not_answered", "hard_to_understand", "not_expected"]


class Tables(HTMLParser):
    """Every <table> of a page as {caption text: [row cells]}."""

    def __init__(self):
        super().__init__()
        self.tables, self._rows, self._cell, self._caption, self._in_caption = {}, None, None, "", False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.replace("Download as CSV", "").split(" (")[0].strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption and "Download" not in data and not data.startswith(" ("):
            self._caption += data
        elif self._cell is not None:
            self._cell += data


class Script:
    """Plays the conversations and remembers what the staff page must show."""

    def __init__(self, stack):
        self.stack = stack
        self.lock = threading.Lock()
        self.messages_by_week = Counter()
        self.convs_by_week = defaultdict(set)
        self.escalations = defaultdict(Counter)
        self.answers = Counter()
        self.uncovered = Counter()
        self.votes = defaultdict(lambda: {"yes": 0, "no": 0, **{r: 0 for r in REASONS}})
        self.not_covered = self.second_misses = self.typed = self.kept = 0
        self.kept_texts = []
        self.unconsented = []
        self.senders = []
        replies = Replies()
        self.first_bubbles = {replies.messages(name)[0]["text"]: disp for name, disp in REPLY_DISPOSITION.items()}

    def say(self, sender, text):
        t = time.time()
        reply = self.stack.say(sender, text)
        with self.lock:
            self.messages_by_week[week_of(t)] += 1
            self.convs_by_week[week_of(t)].add(sender)
            self.typed += not text.startswith("/")
            first = reply[0].get("text") or ""
            for bubble, disp in self.first_bubbles.items():
                if first.startswith(bubble):
                    self.escalations[week_of(t)][disp] += 1
        return reply

    def post(self, path, body, result="stored"):
        req = urllib.request.Request(f"{self.stack.url}/webhooks/feedback/{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                assert json.loads(r.read())["result"] == result
        except urllib.error.HTTPError as e:  # say why: the server logs the error's type, never content
            raise AssertionError(f"{path}: HTTP {e.code}; server said: "
                                 + "".join(line for line in self.stack.log if "feedback" in line)[-2000:]) from e

    def conversation(self, i):
        sender = f"e2e-{uuid.uuid4()}"
        with self.lock:
            self.senders.append(sender)
        self.say(sender, "/greet")
        kind = i % 10
        if kind <= 3:                                      # questions answered, then feedback
            for j in range(1 + i % 2):
                reply = self.say(sender, ANSWERS[(i + j) % len(ANSWERS)])
                answer_id = next(m["custom"]["answer_id"] for m in reply if (m.get("custom") or {}).get("answer_id"))
                with self.lock:
                    self.answers[answer_id] += 1
                vote = (i + j) % 3
                if vote == 2:
                    continue                               # no vote: most patients will not
                vid = str(uuid.uuid4())
                self.post("helpful", {"sender": sender, "id": vid, "answer_id": answer_id, "helpful": vote == 0})
                if i % 7 == 0:                             # sent twice (a retry): still one vote
                    self.post("helpful", {"sender": sender, "id": vid, "answer_id": answer_id, "helpful": True},
                              result="duplicate")
                with self.lock:
                    self.votes[answer_id]["yes" if vote == 0 else "no"] += 1
                if vote == 1 and i % 4 != 3:
                    reason = REASONS[i % 3]
                    self.post("reason", {"sender": sender, "id": vid, "reason": reason})
                    with self.lock:
                        self.votes[answer_id][reason] += 1
        elif kind == 4:
            self.say(sender, EMERGENCIES[i % 2])
        elif kind == 5:
            self.say(sender, CRISES[0] if i % 20 == 5 else SYMPTOMS[i % 2])
        elif kind in (6, 7, 8):                            # the source does not cover it
            question = UNCOVERED[i % len(UNCOVERED)]
            reply = self.say(sender, question)
            label = reply[0]["text"].split("does not cover ", 1)[1].split(". I only use")[0]
            assert any((m.get("custom") or {}).get("signal") == "not_covered" for m in reply)
            with self.lock:
                self.uncovered[label] += 1
                self.not_covered += 1
            self.consent(sender, question, "not_covered", keep=i % 3 == 0)
        else:                                              # two misses in a row
            first, second = OFF_TOPIC[i % 2]
            self.say(sender, first)
            reply = self.say(sender, second)
            assert any((m.get("custom") or {}).get("signal") == "second_miss" for m in reply)
            with self.lock:
                self.second_misses += 1
            self.consent(sender, second, "second_miss", keep=i % 20 == 9)

    def consent(self, sender, question, trigger, keep):
        if keep:
            self.post("question", {"sender": sender, "id": str(uuid.uuid4()), "question": question, "trigger": trigger})
            with self.lock:
                self.kept += 1
                self.kept_texts.append(redact(question))
        else:
            with self.lock:
                self.unconsented.append(question)


@pytest.fixture(scope="module")
def played(stack):
    script = Script(stack)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(script.conversation, range(200)))
    return script


@pytest.fixture(scope="module")
def staff_url(stack):
    server = make_server("127.0.0.1", 0, bot_url=stack.url, quiet=True)
    server.app.staff = StaffApp(TOKEN, db_path=Path(stack.data_dir) / "analytics.db", clinic_name="Example")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.url
    server.shutdown()
    server.server_close()


def get(url):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode("utf-8")


def csv_rows(staff_url, name):
    return list(csv.reader(io.StringIO(get(f"{staff_url}/staff/csv/{name}.csv"))))


def expected(script):
    topics = {a["id"]: a["topic"] for a in content.answers()}
    questions = {a["id"]: a["question"] for a in content.answers()}
    by_topic = Counter()
    for answer_id, n in script.answers.items():
        by_topic[topics[answer_id]] += n
    help_rows = []
    for answer_id, v in script.votes.items():
        n = v["yes"] + v["no"]
        help_rows.append((answer_id, questions[answer_id], script.answers[answer_id], n, v["yes"], v["no"],
                          f"{100 * v['yes'] / n:.0f}%", *(v[r] for r in REASONS)))
    help_rows.sort(key=lambda r: (r[4] / r[3], -r[5], r[0]))
    votes = sum(r[3] for r in help_rows)
    yes = sum(r[4] for r in help_rows)
    messages = sum(script.messages_by_week.values())
    return {
        "weekly": [["week starting", "conversations", "messages"]] + [
            [w, len(script.convs_by_week[w]), script.messages_by_week[w]] for w in sorted(script.messages_by_week)],
        "escalations": [["week starting", *ESCALATIONS]] + [
            [w, *(script.escalations[w][d] for d in ESCALATIONS)] for w in sorted(script.escalations)],
        "topics": [["topic", "answers given"]] + sorted(([t, n] for t, n in by_topic.items()),
                                                         key=lambda r: (-r[1], r[0])),
        "uncovered": [["topic", "times asked"]] + sorted(([t, n] for t, n in script.uncovered.items()),
                                                          key=lambda r: (-r[1], r[0])),
        "helpfulness": [["answer id", "answer", "times given", "votes", "yes", "no", "helpful",
                         "did not answer", "hard to understand", "not expected"]] + [list(r) for r in help_rows],
        "summary": {"conversations": 200, "messages": messages, "messages typed by patients": script.typed,
                    "answers given": sum(script.answers.values()),
                    "not understood twice (second miss)": script.second_misses,
                    "not covered by the source": script.not_covered,
                    "escalations (emergency, crisis, urgent, soon)": sum(
                        sum(c.values()) for c in script.escalations.values()),
                    "helpfulness votes": votes, "voted helpful": f"{100 * yes / votes:.0f}%",
                    "questions kept with consent": script.kept},
    }


def stringify(rows):
    return [[str(c) for c in row] for row in rows]


def test_every_figure_on_the_staff_page_matches_the_script(played, staff_url):
    want = expected(played)
    deadline = time.time() + 20
    while True:  # the broker writes in the background, a fraction of a second behind
        summary = dict(csv_rows(staff_url, "summary")[1:])
        if summary["messages"] == str(want["summary"]["messages"]) or time.time() > deadline:
            break
        time.sleep(0.3)
    for measure, value in want["summary"].items():
        assert summary[measure] == str(value), measure
    page = Tables()
    page.feed(get(f"{staff_url}/staff"))
    titles = {"weekly": "Conversations and messages per week", "escalations": "Escalations by disposition per week",
              "topics": "Answers by topic", "uncovered": "Topics asked about that the source does not cover",
              "helpfulness": "Helpfulness per answer, worst first"}
    for name, title in titles.items():
        rows = csv_rows(staff_url, name)
        assert rows == stringify(want[name]), name
        assert page.tables[title] == rows, name               # the HTML table shows the same
    assert sum(int(r[3]) for r in csv_rows(staff_url, "helpfulness")[1:]) == want["summary"]["helpfulness votes"]
    kept = csv_rows(staff_url, "questions")[1:]
    assert sorted(r[2] for r in kept) == sorted(played.kept_texts)
    assert all("Zebedee" not in r[2] and "Quixote" not in r[2] for r in kept)
    assert len(page.tables["Questions the chat could not answer, kept with consent"]) == played.kept + 1


def test_no_patient_text_reaches_the_analytics_store_without_consent(played, staff_url, stack):
    get(f"{staff_url}/staff")   # after the figures are written
    files = [p for p in Path(stack.data_dir).iterdir() if p.name.startswith("analytics")]
    assert files
    data = b"".join(p.read_bytes() for p in files)
    typed = set(ANSWERS + EMERGENCIES + CRISES + SYMPTOMS + UNCOVERED + [q for pair in OFF_TOPIC for q in pair])
    for text in typed:   # a question the patient agreed to keep may be there, redacted
        assert text.encode() not in data or redact(text) in played.kept_texts, text
    for text in set(played.unconsented) - {t for t in typed if redact(t) in played.kept_texts}:
        assert redact(text).encode() not in data, text
    for word in (b"Zebedee", b"Quixote", b"crushing", b"puffy", b"ending my life"):
        assert word not in data, word
    assert len(played.senders) == 200
    for sender in played.senders:   # only the keyed form (keys.py), never a sender id
        assert sender.encode() not in data and sender[4:].encode() not in data, sender


def test_the_feedback_endpoint_answers_the_widget_s_cross_origin_preflight(stack):
    req = urllib.request.Request(f"{stack.url}/webhooks/feedback/helpful", method="OPTIONS", headers={
        "Origin": "http://localhost:8080", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status in (200, 204)
        assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    bad = urllib.request.Request(f"{stack.url}/webhooks/feedback/helpful", data=b"{}",
                                 headers={"Content-Type": "text/plain"})
    with pytest.raises(urllib.error.HTTPError) as e:   # a "simple" cross-site post is refused
        urllib.request.urlopen(bad, timeout=30)
    assert e.value.code == 415
