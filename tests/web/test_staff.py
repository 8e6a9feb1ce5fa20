"""The staff page (bot/web/staff.py) and its figures, over a real HTTP server, with known data."""
from __future__ import annotations

import http.client
import logging
import threading
import time
import urllib.parse
from datetime import datetime

import pytest

from bot.analytics import store
from bot.analytics.figures import compute
from bot.web import staff
from bot.web.server import make_server
from bot.web.staff_auth import COOKIE

TOKEN = "test-staff-token-0123456789"


def turn(at, conv, **kw):
    base = {"intent": "ask_what_is", "disposition": "none", "not_covered": 0, "fallback": 0, "second_miss": 0,
            "typed": 1, "latency_ms": 20.0}
    return store.stamp({**base, "conv": conv, **kw}, at)


@pytest.fixture
def db_path(tmp_path):
    """Two weeks: 3 conversations in the first, 2 in the second, with known escalations and votes."""
    w1 = datetime(2025, 3, 4, 10).timestamp()   # Tuesday, week of 2025-03-03
    w2 = datetime(2025, 3, 12, 10).timestamp()  # Wednesday, week of 2025-03-10
    s = store.AnalyticsStore(tmp_path / "analytics.db")
    rows = [turn(w1, "a", answer_id="lanreotide-what-is", topic="Medicines for NETs"),
            turn(w1 + 1, "a", intent="emergency", disposition="emergency", rule="chest_pain"),
            turn(w1 + 2, "b", answer_id="chd-what-is", topic="Carcinoid heart disease"),
            turn(w1 + 3, "c", intent="ask_not_covered", uncovered="diet", not_covered=1),
            turn(w2, "d", intent="report_symptom", disposition="soon"),
            turn(w2 + 1, "d", intent="emergency_crisis", disposition="crisis"),
            turn(w2 + 2, "e", uncovered="diet", not_covered=1),
            turn(w2 + 3, "e", uncovered="prrt", not_covered=1),
            turn(w2 + 4, "e", intent="out_of_scope", fallback=1, second_miss=1)]
    s.add_turns(rows)
    for i, (answer, helpful, reason) in enumerate([("lanreotide-what-is", 1, None), ("lanreotide-what-is", 0, None),
                                                    ("chd-what-is", 0, "hard_to_understand")]):
        vid = f"00000000-0000-4000-8000-{i:012d}"
        s.add_vote(store.stamp({"id": vid, "conv": "a", "answer_id": answer, "topic": "t", "helpful": helpful}, w2))
        if reason:
            s.add_reason(vid, "a", reason)
    s.add_question(store.stamp({"id": "q1", "conv": "e", "trigger": "not_covered",
                                "text": "can I eat [word] cheese =cmd"}, w2))
    return tmp_path / "analytics.db"


def test_figures_match_the_rows(db_path):
    t = compute(store.connect(db_path, readonly=True))
    assert t["weekly"].rows == (("2025-03-03", 3, 4), ("2025-03-10", 2, 5))
    assert t["escalations"].rows == (("2025-03-03", 1, 0, 0, 0), ("2025-03-10", 0, 1, 0, 1))
    assert t["topics"].rows == (("Carcinoid heart disease", 1), ("Medicines for NETs", 1))
    assert [r[0] for r in t["helpfulness"].rows] == ["chd-what-is", "lanreotide-what-is"]  # worst first
    assert t["helpfulness"].rows[0][2:] == (1, 1, 0, 1, "0%", 0, 1, 0)
    assert t["uncovered"].rows == (("diet and food", 2), ("PRRT", 1))
    summary = dict(t["summary"].rows)
    assert summary["conversations"] == 5 and summary["messages"] == 9 and summary["voted helpful"] == "33%"
    assert summary["not understood twice (second miss)"] == 1 and summary["escalations (emergency, crisis, urgent, soon)"] == 3
    # a CSV cell that a spreadsheet would run as a formula is quoted
    assert b"'=cmd" not in t["questions"].csv() and b"cheese =cmd" in t["questions"].csv()


@pytest.fixture
def server(db_path, monkeypatch):
    monkeypatch.setenv("NETBOT_STAFF_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_DATA_DIR", str(db_path.parent))
    srv = make_server("127.0.0.1", 0, quiet=True)
    assert srv.staff is not None
    srv.staff.db_path = db_path
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def request(srv, method, path, headers=None, body=None):
    host, port = srv.server_address[:2]
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    headers = Headers({k: ", ".join(r.msg.get_all(k)) for k in set(r.msg.keys())})
    return r.status, headers, data


class Headers(dict):
    """Header names are not case-sensitive (waitress sends "Www-Authenticate")."""
    def __getitem__(self, name):
        return next(v for k, v in self.items() if k.lower() == name.lower())

    def get(self, name, default=None):
        try:
            return self[name]
        except StopIteration:
            return default

    def __contains__(self, name):
        return any(k.lower() == str(name).lower() for k in self.keys())


def test_off_without_a_token(monkeypatch):
    monkeypatch.delenv("NETBOT_STAFF_TOKEN", raising=False)
    srv = make_server("127.0.0.1", 0, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        for path in ("/staff", "/staff/login", "/staff/csv/weekly.csv"):
            assert request(srv, "GET", path)[0] == 404
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_short_token_refuses_to_start(monkeypatch):
    monkeypatch.setenv("NETBOT_STAFF_TOKEN", "short")
    with pytest.raises(ValueError, match="at least 16"):
        make_server("127.0.0.1", 0, quiet=True)


@pytest.mark.parametrize("path", ["/staff", "/staff/csv/weekly.csv", "/staff/chart/weekly.svg", "/staff/report"])
def test_401_without_the_token_and_nothing_leaks(server, path):
    status, headers, body = request(server, "GET", path)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert b"Staff sign-in" in body and b"2025-03" not in body and b"diet" not in body
    assert request(server, "GET", path, {"Authorization": "Bearer wrong-token-0123456789"})[0] == 401


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_bearer_token_gives_page_csv_and_charts(server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    audit = Records()
    logging.getLogger("bot.staff").addHandler(audit)
    try:
        status, headers, body = request(server, "GET", "/staff?secret=shh", auth)
        request(server, "GET", "/staff", {"Authorization": "Bearer " + TOKEN[:-1] + "X"})
    finally:
        logging.getLogger("bot.staff").removeHandler(audit)
    assert status == 200 and "no-store" in headers["Cache-Control"]
    page = body.decode()
    for figure in ("2025-03-03", "diet and food", "PRRT", "hard to understand", "can I eat [word] cheese"):
        assert figure in page
    assert TOKEN not in page
    assert audit.lines == ["staff access GET /staff 200 from 127.0.0.1 as bearer",
                           "staff access GET /staff 401 from 127.0.0.1 as anonymous"]
    status, headers, body = request(server, "GET", "/staff/csv/weekly.csv", auth)
    assert status == 200 and body.splitlines() == [b"week starting,conversations,messages",
                                                    b"2025-03-03,3,4", b"2025-03-10,2,5"]
    assert "attachment" in headers["Content-Disposition"]
    status, headers, body = request(server, "GET", "/staff/chart/escalations.svg", auth)
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and b"<svg" in body
    assert request(server, "GET", "/staff/chart/questions.svg", auth)[0] == 404
    assert request(server, "GET", "/staff/csv/../../etc/passwd", auth)[0] == 404
    status, _, body = request(server, "GET", "/staff/report?month=2025-03", auth)
    assert status == 200 and b"Monthly summary: 2025-03" in body and b"<svg" in body
    assert request(server, "GET", "/staff/report?month=March", auth)[0] == 400


def test_login_form_sets_a_secure_session_cookie_and_logout_ends_it(server):
    status, headers, _ = request(server, "POST", "/staff/login", {"Content-Type": "application/x-www-form-urlencoded"},
                                 urllib.parse.urlencode({"token": TOKEN}))
    assert status == 303 and headers["Location"] == "/staff"
    cookie = headers["Set-Cookie"]
    for part in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/", f"{COOKIE}="):
        assert part in cookie
    assert TOKEN not in cookie
    jar = {"Cookie": cookie.split(";")[0]}
    assert request(server, "GET", "/staff", jar)[0] == 200
    assert request(server, "POST", "/staff/logout", jar)[0] == 303
    assert request(server, "GET", "/staff", jar)[0] == 401   # revoked
    forged = {"Cookie": f"{COOKIE}={int(time.time()) + 999}.abcd.{'0' * 64}"}
    assert request(server, "GET", "/staff", forged)[0] == 401


def test_wrong_tokens_are_limited(server):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = [request(server, "POST", "/staff/login", form, "token=nope")[0] for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    big = "token=" + "x" * 10_000
    assert request(server, "POST", "/staff/login", form, big)[0] == 413


def test_empty_store_shows_no_data_yet(tmp_path, monkeypatch):
    app = staff.StaffApp(TOKEN, db_path=tmp_path / "none.db")
    resp = app.handle(staff.Request("GET", "/staff", {"authorization": f"Bearer {TOKEN}"}))
    assert resp.status == 200 and b"No data yet" in resp.body
    assert not (tmp_path / "none.db").exists()


def test_make_report_writes_a_private_file(db_path, monkeypatch, capsys):
    import os
    import stat

    from bot.analytics import report
    monkeypatch.setenv("BOT_DATA_DIR", str(db_path.parent))
    assert report.main(["--month", "2025-03"]) == 0
    out = db_path.parent / "reports" / "net-chat-summary-2025-03.html"
    html = out.read_text()
    assert "Escalations by disposition per week" in html and "<svg" in html and "diet and food" in html
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert report.main(["--month", "nonsense"]) == 2


def test_a_damaged_store_gets_a_503_not_a_crash(tmp_path):
    (tmp_path / "analytics.db").write_bytes(b"this is not a database" * 100)
    app = staff.StaffApp(TOKEN, db_path=tmp_path / "analytics.db")
    resp = app.handle(staff.Request("GET", "/staff", {"authorization": f"Bearer {TOKEN}"}))
    assert resp.status == 503
