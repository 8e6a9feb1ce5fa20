"""A small web server for the chat widget, its demo page and the nurse page.

    python -m bot.web.server --port 8080 --bot-url http://localhost:5005 \
        --public-url https://www.example-hospital.nhs.uk/net-chat

Routes: /  (demo hospital page embedding the widget), /widget.js, /widget.css, /topics.json,
/nurses (every topic's deep link /?topic=<id> and QR code), /nurses/handout/<id> (printable A4).
Anything else is 404: there is no directory listing and no path is ever mapped onto the disk.

Why waitress (docs/security.md, M6 and L1): the standard library's server gave each connection a
thread with no time limit (50 half-sent requests held 50 threads) and answered 405 without reading
the request body, so the body was read as the next request (request desync). Waitress is a small,
pure-Python production WSGI server: connections are served asynchronously, idle ones are closed
after CHANNEL_TIMEOUT_S, at most CONNECTION_LIMIT are open, request headers and bodies are capped,
and each request's body is read by its declared length. The pages are rendered once at start-up;
this module only picks the bytes for a path. In production put it behind the hospital's TLS
reverse proxy (deploy/proxy/), or copy widget.js and widget.css to the hospital's own web server.

Other modules add dynamic pages with `WidgetServer.app.add_handler(path, handler)` (see WebApp);
the staff page (/staff, bot/web/staff.py) is on only when NETBOT_STAFF_TOKEN is set.

Patient data must not reach the logs: a log line holds the method, the path (never the query string,
where ?topic= and anything else lives) and the status, nothing from the request body or headers.
"""
from __future__ import annotations

import argparse
import sys
import time
from http import HTTPStatus
from pathlib import Path
from typing import Callable, Iterable

import waitress

from bot.privacy import log_filter
from bot.settings import Settings
from bot.web import feedback_assets, staff
from bot.web.pages import DEFAULT_PRIMARY_COLOR, SETTINGS_PATH, STATIC_DIR, TOPICS_PATH, Site, origin

CHANNEL_TIMEOUT_S = 10      # an idle (or stalled) connection is closed after this
CONNECTION_LIMIT = 200      # open connections; more wait in the listen backlog
THREADS = 4                 # answering a request is copying bytes already in memory
MAX_HEADER_BYTES = 16384    # URLs and headers; a longer request line gets 431/400
MAX_BODY_BYTES = 16384      # no route takes a body; a longer one is refused, never buffered
STATIC_FILES = {
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/widget-store.js": ("widget-store.js", "text/javascript; charset=utf-8"),
    "/widget.css": ("widget.css", "text/css; charset=utf-8"),
    "/site.css": ("site.css", "text/css; charset=utf-8"),
    "/nurses.js": ("nurses.js", "text/javascript; charset=utf-8"),
}
# Read from other origins: the hospital's pages embed the widget from this server.
CROSS_ORIGIN_OK = {"/widget.js", "/widget-store.js", "/widget.css", "/topics.json"} | feedback_assets.CROSS_ORIGIN_OK

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


# A handler gets the WSGI environ and returns (status, content type, body, extra headers).
Handler = Callable[[dict], "tuple[int, str, bytes, dict[str, str]]"]


class WebApp:
    """The WSGI application: fixed routes (rendered at start-up) and handlers added by other
    modules (for example a staff page). Paths match exactly, without a trailing slash."""

    def __init__(self, routes: dict[str, tuple[str, bytes]], headers: dict[str, str], quiet: bool = False,
                 staff_app: staff.StaffApp | None = None):
        self.routes = routes
        self.security = headers
        self.quiet = quiet
        self.handlers: dict[str, tuple[Handler, frozenset]] = {}
        self.staff = staff_app  # /staff (bot/web/staff.py): None when NETBOT_STAFF_TOKEN is not set

    def add_handler(self, path: str, handler: Handler, methods: Iterable[str] = ("GET", "HEAD")) -> None:
        self.handlers[path] = (handler, frozenset(m.upper() for m in methods))

    @staticmethod
    def _path(environ: dict) -> str:
        path = environ.get("PATH_INFO") or "/"
        return path.rstrip("/") if len(path) > 1 else path

    def respond(self, environ: dict) -> tuple[int, str, bytes, dict[str, str]]:
        method, path = environ.get("REQUEST_METHOD", "GET").upper(), self._path(environ)
        if staff.is_staff_path(path):
            return staff.serve_wsgi(environ, self.staff)
        if path in self.handlers:
            handler, methods = self.handlers[path]
            if method not in methods:
                return 405, "text/plain; charset=utf-8", b"Method not allowed\n", {"Allow": ", ".join(sorted(methods))}
            return handler(environ)
        if method not in ("GET", "HEAD"):
            return 405, "text/plain; charset=utf-8", b"Method not allowed\n", {"Allow": "GET, HEAD"}
        route = self.routes.get(path)
        if route is None:
            return 404, "text/html; charset=utf-8", NOT_FOUND, {}
        extra = {"Access-Control-Allow-Origin": "*"} if path in CROSS_ORIGIN_OK else {}
        return 200, route[0], route[1], extra

    def __call__(self, environ: dict, start_response):
        try:
            status, content_type, body, extra = self.respond(environ)
        except Exception as e:  # a handler's fault: a plain 500, the log has the type only
            sys.stderr.write(f"{time.strftime('%d/%b/%Y %H:%M:%S')} handler failed: {type(e).__name__}\n")
            status, content_type, body, extra = 500, "text/plain; charset=utf-8", b"Server error\n", {}
        fields = {"Content-Type": content_type, "Content-Length": str(len(body)), "Cache-Control": "no-cache",
                  **extra, **self.security}
        headers = list(fields.items())
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        self.log(environ, status)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    # Logging: method, path without the query string, status. Nothing else from the request.
    def log(self, environ: dict, status: int) -> None:
        if not self.quiet:
            method = environ.get("REQUEST_METHOD") or "-"
            sys.stderr.write(f'{time.strftime("%d/%b/%Y %H:%M:%S")} "{method} {self._path(environ)}" {status}\n')


class WidgetServer:
    """waitress serving a WebApp; the same small interface as the standard library's servers
    (url, serve_forever, shutdown, server_close), so tests and callers need not care."""

    def __init__(self, address, app: WebApp, *, channel_timeout: int = CHANNEL_TIMEOUT_S,
                 connection_limit: int = CONNECTION_LIMIT, threads: int = THREADS):
        host, port = address
        self.app = app
        self._server = waitress.create_server(
            app, host=host, port=port, threads=threads, connection_limit=connection_limit,
            channel_timeout=channel_timeout, cleanup_interval=max(1, channel_timeout // 5),
            max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
            ident="NETChatWeb", expose_tracebacks=False, clear_untrusted_proxy_headers=True)
        self.server_address = (host, self._server.effective_port)

    @property
    def staff(self):
        """The staff page's app (bot/web/staff.py), or None when it is off."""
        return self.app.staff

    @staff.setter
    def staff(self, app) -> None:
        self.app.staff = app

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        self._server.run()

    def shutdown(self) -> None:
        self._server.task_dispatcher.shutdown(timeout=2)
        for channel in list(self._server._map.values()):  # the listener and every open connection
            channel.close()

    def server_close(self) -> None:
        try:
            self._server.close()
        except OSError:
            pass


def build_routes(site: Site, static_dir: Path = STATIC_DIR) -> dict[str, tuple[str, bytes]]:
    routes = dict(site.pages())
    for path, (name, content_type) in STATIC_FILES.items():
        routes[path] = (content_type, (static_dir / name).read_bytes())
    routes.update(feedback_assets.asset_routes(static_dir))  # the widget's feedback UI
    return routes


def make_server(host: str = "127.0.0.1", port: int = 8080, *, bot_url: str = "http://localhost:5005",
                public_url: str | None = None, settings_path: Path = SETTINGS_PATH,
                topics_path: Path = TOPICS_PATH, primary_color: str = DEFAULT_PRIMARY_COLOR,
                quiet: bool = False) -> WidgetServer:
    """Render everything and bind; port 0 picks a free port (see .url). Call serve_forever()."""
    site = Site(bot_url=bot_url, public_url=public_url or f"http://localhost:{port or 8080}",
                settings_path=settings_path, topics_path=topics_path, primary_color=primary_color)
    staff_app = staff.StaffApp.from_env(Settings.load(settings_path))
    return WidgetServer((host, port), WebApp(build_routes(site), security_headers(site.bot_url), quiet=quiet,
                                             staff_app=staff_app))


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
    log_filter.install()  # waitress's own messages: no exception text, no query strings
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
