"""What the web server adds for the widget's feedback UI: /feedback.js, /feedback.css and
/feedback.json (the wording from content/feedback.yml, with the retention period filled in).
widget.js loads feedback.js from its own origin, so an embed stays one script tag."""
from __future__ import annotations

import json
from pathlib import Path

from bot.analytics.known import feedback_texts
from bot.settings import Settings

ASSETS = {
    "/feedback.js": ("feedback.js", "text/javascript; charset=utf-8"),
    "/feedback.css": ("feedback.css", "text/css; charset=utf-8"),
}
CROSS_ORIGIN_OK = {"/feedback.js", "/feedback.css", "/feedback.json"}


def feedback_json(settings: Settings | None = None) -> bytes:
    days = (settings or Settings.load()).keep_conversations_days
    texts = feedback_texts()
    consent = dict(texts["consent"], detail=texts["consent"]["detail"].format(days=days))
    doc = {"helpful": texts["helpful"], "consent": consent,
           "privacy_notice": texts["privacy_notice"].format(days=days).strip()}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def asset_routes(static_dir: Path) -> dict[str, tuple[str, bytes]]:
    routes = {path: (ctype, (static_dir / name).read_bytes()) for path, (name, ctype) in ASSETS.items()}
    routes["/feedback.json"] = ("application/json; charset=utf-8", feedback_json())
    return routes
