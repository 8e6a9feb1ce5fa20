"""A small web server for the chat widget, its demo page and the nurse page.

    python -m bot.web.server --port 8080 --bot-url http://localhost:5005 \
        --public-url https://www.example-hospital.nhs.uk/net-chat

Routes: /  (demo hospital page embedding the widget), /widget.js, /widget.css, /topics.json,
/nurses (every topic's deep link /?topic=<id> and QR code), /nurses/handout/<id> (printable A4).
Anything else is 404: there is no directory listing and no path is ever mapped onto the disk.

Why the standard library's ThreadingHTTPServer: the server only answers a dozen fixed routes rendered at
start-up, so it needs no framework and brings no extra dependency to install, audit or patch. In
production put it behind the hospital's TLS reverse proxy, or copy widget.js and widget.css to the
hospital's own web server.

Patient data must not reach the logs: a log line holds the method, the path (never the query string,
where ?topic= and anything else lives) and the status, nothing from the request body or headers.
"""
from __future__ import annotations

import argparse
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import Settings
from bot.web import feedback_assets, staff
from bot.web.pages import (DEFAULT_PRIMARY_COLOR, SETTINGS_PATH, STATIC_DIR, TOPICS_PATH, Site,
                           origin)

STATIC_FILES = {
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/widget.css": ("widget.css", "text/css; charset=utf-8"),
    "/site.css": ("site.css", "text/css; charset=utf-8"),
    "/nurses.js": ("nurses.js", "text/javascript; charset=utf-8"),
}
# Read from other origins: the hospital's pages embed the widget from this server.
CROSS_ORIGIN_OK = {"/widget.js", "/widget.css", "/topics.json"} | feedback_assets.CROSS_ORIGIN_OK

NOT_FOUND = b"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><main><h1>Page not found</h1><p><a href="/">Go to the start page</a></p></main></body></html>
"""


def security_headers(bot_url: str) -> dict[str, str]:
    """Sent with every response, error pages included."""
    csp = "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src 'self' {origin(bot_url)}",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ])
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "SAMEORIGIN",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


class WidgetServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, *, routes: dict[str, tuple[str, bytes]], headers: dict[str, str],
                 quiet: bool = False, staff_app: staff.StaffApp | None = None):
        self.staff = staff_app  # /staff (issue 21): None when NETBOT_STAFF_TOKEN is not set
        self.routes = routes
        self.security = headers
        self.quiet = quiet
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: WidgetServer
    server_version = "NETChatWeb"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _method_not_allowed(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                   b"Method not allowed\n", extra={"Allow": "GET, HEAD"})

    def do_POST(self) -> None:
        if staff.is_staff_path(self._path()):  # sign-in and sign-out forms (bot/web/staff.py)
            staff.serve(self, self.server.staff)
        else:
            self._method_not_allowed()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def _path(self) -> str:
        path = urlsplit(getattr(self, "path", "") or "").path or "/"
        return path.rstrip("/") if len(path) > 1 else path

    def _serve(self, head: bool) -> None:
        path = self._path()
        if staff.is_staff_path(path):
            staff.serve(self, self.server.staff, head=head)
            return
        route = self.server.routes.get(path)
        if route is None:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, head=head)
            return
        content_type, body = route
        extra = {"Access-Control-Allow-Origin": "*"} if path in CROSS_ORIGIN_OK else {}
        self._send(HTTPStatus.OK, content_type, body, head=head, extra=extra)

    def _send(self, status: int, content_type: str, body: bytes, head: bool = False,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def end_headers(self) -> None:
        for name, value in self.server.security.items():
            self.send_header(name, value)
        super().end_headers()

    # Logging: method, path without the query string, status. Nothing else from the request.
    def log_request(self, code="-", size="-") -> None:
        if not self.server.quiet:
            method = getattr(self, "command", None) or "-"
            status = code.value if isinstance(code, HTTPStatus) else code
            sys.stderr.write(f'{self.log_date_time_string()} "{method} {self._path()}" {status}\n')

    def log_error(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        # The base class passes pieces of the raw request line here: log only that it happened.
        if not self.server.quiet:
            code = args[0] if args and isinstance(args[0], int) else "-"
            sys.stderr.write(f"{self.log_date_time_string()} request error {code}\n")


def build_routes(site: Site, static_dir: Path = STATIC_DIR) -> dict[str, tuple[str, bytes]]:
    routes = dict(site.pages())
    for path, (name, content_type) in STATIC_FILES.items():
        routes[path] = (content_type, (static_dir / name).read_bytes())
    routes.update(feedback_assets.asset_routes(static_dir))
    return routes


def make_server(host: str = "127.0.0.1", port: int = 8080, *, bot_url: str = "http://localhost:5005",
                public_url: str | None = None, settings_path: Path = SETTINGS_PATH,
                topics_path: Path = TOPICS_PATH, primary_color: str = DEFAULT_PRIMARY_COLOR,
                quiet: bool = False) -> WidgetServer:
    """Render everything and bind; port 0 picks a free port (see .url). Call serve_forever()."""
    site = Site(bot_url=bot_url, public_url=public_url or f"http://localhost:{port or 8080}",
                settings_path=settings_path, topics_path=topics_path, primary_color=primary_color)
    return WidgetServer((host, port), routes=build_routes(site), headers=security_headers(site.bot_url),
                        quiet=quiet, staff_app=staff.StaffApp.from_env(Settings.load(settings_path)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bot.web.server", description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free port)")
    p.add_argument("--bot-url", default="http://localhost:5005",
                   help="Rasa server the widget talks to (REST channel); also allowed in the CSP")
    p.add_argument("--public-url", default=None,
                   help="base of the patient links and QR codes (default http://localhost:<port>)")
    p.add_argument("--settings", type=Path, default=SETTINGS_PATH, help="clinic settings YAML")
    p.add_argument("--topics", type=Path, default=TOPICS_PATH, help="nurse topics YAML")
    p.add_argument("--primary-color", default=DEFAULT_PRIMARY_COLOR,
                   help="widget colour; white text on it needs a contrast of 4.5:1 or more")
    p.add_argument("--quiet", action="store_true", help="no access log")
    args = p.parse_args(argv)
    try:
        server = make_server(args.host, args.port, bot_url=args.bot_url, public_url=args.public_url,
                             settings_path=args.settings, topics_path=args.topics,
                             primary_color=args.primary_color, quiet=args.quiet)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Serving the chat widget on {server.url}/ (nurse page: {server.url}/nurses); "
          f"bot: {args.bot_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
