"""The staff page: /staff on the widget's web server, for the NET team (docs/insights.md).

Off unless NETBOT_STAFF_TOKEN is set (then every /staff path is 404). Without the token, a
401 with a sign-in form; with it (`Authorization: Bearer ...`, or the session cookie the form
sets) the figures from the analytics store: tables, SVG charts, CSV per table, and a printable
monthly summary at /staff/report. Every access is logged with the path, status and how the
caller signed in, never the token or the query string.

StaffApp knows nothing about the HTTP server: `handle(Request) -> Response`. `serve()` adapts
bot/web/server.py's handler to it, so that server (or its replacement) needs only a small hook.
"""
from __future__ import annotations

import logging
import os
import re
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bot.analytics import charts
from bot.analytics.figures import answer_questions, answer_topics, compute, uncovered_labels, version
from bot.analytics.known import feedback_texts
from bot.analytics.report import last_month, month_tables, period_text
from bot.analytics.store import connect, default_path, ensure_schema
from bot.web.pages import STATIC_DIR
from bot.web.staff_auth import SESSION_SECONDS, StaffAuth, set_cookie
from bot.web.staff_render import CHARTED, insights_page, login_page

PREFIX = "/staff"
MAX_BODY = 4096
HTML = "text/html; charset=utf-8"
NAME = re.compile(r"^/staff/(chart|csv)/([a-z]+)\.(svg|csv)$")
log = logging.getLogger("bot.staff")


def is_staff_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


@dataclass
class Request:
    method: str
    path: str                      # with the query string, as received
    headers: dict                  # lower-case names
    body: bytes = b""
    client: str = "-"


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


class StaffApp:
    def __init__(self, token: str, *, db_path: Path | None = None, clinic_name: str = "NET service",
                 team_name: str = "NET team", keep_days: int = 30, clock=time.time):
        self.auth = StaffAuth(token, clock=clock)
        self.db_path = Path(db_path or default_path())
        self.clinic_name, self.team_name, self.keep_days = clinic_name, team_name, keep_days
        self.clock = clock
        self.css = (STATIC_DIR / "staff.css").read_bytes()
        self._lock = threading.Lock()
        self._cached: tuple | None = None
        charts.warm_up()
        answer_questions(), answer_topics(), uncovered_labels()  # read content/ now, not on a first view
        if not log.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            log.propagate = False

    @classmethod
    def from_env(cls, settings) -> "StaffApp | None":
        token = os.environ.get("NETBOT_STAFF_TOKEN")
        if not token:
            return None
        return cls(token, clinic_name=settings.clinic_name, team_name=settings.team_name,
                   keep_days=settings.keep_conversations_days)

    # --- routing -------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        path = (urlsplit(req.path).path.rstrip("/") or "/")
        resp, how = self._route(req, path)
        self._audit(req, path, resp.status, how)
        return resp

    def _route(self, req: Request, path: str) -> tuple[Response, str | None]:
        """(response, how the caller signed in: "bearer", "session <id>", "login-form" or None)."""
        if path == "/staff/staff.css":
            return Response(200, "text/css; charset=utf-8", self.css), None
        if path == "/staff/login":
            return self._login(req), "login-form"
        how = "bearer" if self.auth.bearer(req.headers.get("authorization")) else None
        session = self.auth.session(req.headers.get("cookie"))
        how = how or (f"session {session}" if session else None)
        if path == "/staff/logout" and req.method == "POST":
            self.auth.revoke(req.headers.get("cookie"))
            return Response(303, HTML, b"", {"Location": "/staff/login", "Set-Cookie": set_cookie("", 0)}), how
        if how is None:
            return Response(401, HTML, login_page(self.clinic_name, self.team_name),
                            {"WWW-Authenticate": 'Bearer realm="staff"'}), None
        if req.method not in ("GET", "HEAD"):
            return Response(405, "text/plain; charset=utf-8", b"Method not allowed\n", {"Allow": "GET, HEAD"}), how
        try:
            return self._page(path, parse_qs(urlsplit(req.path).query), can_log_out=how.startswith("session")), how
        except sqlite3.Error as e:  # a busy or damaged file: say so; the log has the kind of error only
            log.error("staff page: cannot read the analytics store (%s)", type(e).__name__)
            return Response(503, "text/plain; charset=utf-8", b"The figures cannot be read just now.\n"), how

    def _audit(self, req: Request, path: str, status: int, how: str | None) -> None:
        # method, path (never the query string), status, who: "bearer", a session fingerprint, or nobody
        log.info("staff access %s %s %d from %s as %s", req.method, path, status, req.client, how or "anonymous")

    def _login(self, req: Request) -> Response:
        if req.method != "POST":
            return Response(200, HTML, login_page(self.clinic_name, self.team_name))
        if self.auth.throttled(req.client):
            return Response(429, HTML, login_page(self.clinic_name, self.team_name,
                                                  "Too many tries. Wait ten minutes and try again."))
        form = parse_qs(req.body.decode("utf-8", "replace")) if len(req.body) <= MAX_BODY else {}
        if not self.auth.token_ok((form.get("token") or [""])[0]):
            self.auth.failed(req.client)
            return Response(401, HTML, login_page(self.clinic_name, self.team_name,
                                                  "That token is not right. Check it and try again."))
        cookie = set_cookie(self.auth.new_session(), SESSION_SECONDS)
        return Response(303, HTML, b"", {"Location": "/staff", "Set-Cookie": cookie})

    # --- figures -------------------------------------------------------------
    def _db(self):
        if self.db_path.exists():
            return connect(self.db_path, readonly=True)
        from sqlite_utils import Database
        db = Database(memory=True)   # no analytics yet: empty figures, no file created here
        ensure_schema(db)
        return db

    def _tables(self, since=None, until=None) -> dict:
        """The figures, computed once per change of the data: a page view's five chart requests
        and its CSV downloads reuse what the page itself computed."""
        db = self._db()
        try:
            key = (since, until, version(db))
            with self._lock:
                if self._cached and self._cached[0] == key:
                    return self._cached[1]
            tables = compute(db, since, until)
            with self._lock:
                self._cached = (key, tables)
            return tables
        finally:
            db.conn.close()

    def _page(self, path: str, query: dict, can_log_out: bool) -> Response:
        if path == "/staff":
            tables = self._tables()
            body = insights_page(tables, clinic_name=self.clinic_name, heading="What patients ask the chat",
                                 period=f"All data held: the last {self.keep_days} days at most",
                                 privacy_notice=self.privacy_notice(), keep_days=self.keep_days,
                                 can_log_out=can_log_out)
            return Response(200, HTML, body)
        if path == "/staff/report":
            month = (query.get("month") or [last_month(self.clock())])[0]
            try:
                tables, since, until = month_tables(self._db, month)
            except ValueError:
                return Response(400, "text/plain; charset=utf-8", b"month must look like 2025-03\n")
            body = insights_page(tables, clinic_name=self.clinic_name, heading=f"Monthly summary: {month}",
                                 period=period_text(since, until, self.keep_days, self.clock()),
                                 privacy_notice=self.privacy_notice(), keep_days=self.keep_days, report=True)
            return Response(200, HTML, body)
        m = NAME.match(path)
        if m and (m.group(1) == "chart") == (m.group(3) == "svg"):
            table = self._tables().get(m.group(2))
            if table is not None and m.group(1) == "csv":
                return Response(200, "text/csv; charset=utf-8", table.csv(),
                                {"Content-Disposition": f'attachment; filename="net-chat-{table.name}.csv"'})
            if table is not None and m.group(2) in CHARTED:
                return Response(200, "image/svg+xml", charts.svg(table))
        return Response(404, "text/plain; charset=utf-8", b"Not found\n")

    def privacy_notice(self) -> str:
        return feedback_texts()["privacy_notice"].format(days=self.keep_days).strip()


# --- the hook for bot/web/server.py (a WSGI app on waitress) -------------------------
def serve_wsgi(environ: dict, app: StaffApp | None) -> tuple[int, str, bytes, dict]:
    """Answer one /staff request: (status, content type, body, extra headers)."""
    if app is None:  # the staff page is off: as if it did not exist
        return 404, "text/html; charset=utf-8", b"Not found\n", {}
    length = environ.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        return 413, "text/plain; charset=utf-8", b"Request too large\n", {}
    body = environ["wsgi.input"].read(int(length)) if int(length) else b""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    path = (environ.get("PATH_INFO") or "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
    resp = app.handle(Request(environ.get("REQUEST_METHOD", "GET").upper(), path, headers, body,
                              environ.get("REMOTE_ADDR") or "-"))
    return resp.status, resp.content_type, resp.body, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex",
                                                      **resp.headers}
