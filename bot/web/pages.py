"""What the web server serves: the demo hospital page, /topics.json, the nurse page and handouts.

Everything is rendered once at start-up from the settings (bot/settings.py: $NETBOT_SETTINGS, else
config/settings.yml) and content/topics.yml, so a request never touches the disk and a patient's
request cannot change what is rendered.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import urlencode, urlsplit

import segno
import yaml

from bot import PROJECT_ROOT
from bot.answers.replies import Replies
from bot.content import governance, source
from bot.settings import Settings

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"
SETTINGS_PATH = None  # None: the one settings reader decides ($NETBOT_SETTINGS, else config/settings.yml)
TOPICS_PATH = PROJECT_ROOT / "content" / "topics.yml"
DEFAULT_PRIMARY_COLOR = "#005eb8"

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


@dataclass(frozen=True)
class Clinic:
    """The deploying hospital's contact details and mode, from the one settings reader."""

    name: str
    team_name: str
    nurse_title: str
    nurse_line: str
    nurse_hours: str
    emergency: str
    urgent_advice: str
    mode: str = "production"
    review_note: str = ""  # development mode: the welcome says the content awaits clinical review

    @classmethod
    def load(cls, path: Path | None = SETTINGS_PATH) -> "Clinic":
        s = Settings.load(path)
        note = Replies(s).messages("review_note")[0]["text"] if s.mode == "development" else ""
        return cls(name=s.clinic_name, team_name=s.team_name, nurse_title=s.nurse_title,
                   nurse_line=s.nurse_line, nurse_hours=s.nurse_hours, emergency=s.emergency,
                   urgent_advice=s.urgent_advice, mode=s.mode, review_note=note)


def topic_payload(aspect: str, subject: str) -> str:
    """Rasa payload for one answer: /ask_what_is{"subject":"chd"}."""
    return f"/ask_{aspect}" + json.dumps({"subject": subject}, separators=(",", ":"))


def load_topics(path: Path = TOPICS_PATH, approved_only: bool = False) -> list[dict]:
    """[{id, title, payload}] from content/topics.yml; ids, aspects and subjects must be plain slugs.
    `approved_only` (production mode): only topics whose answer is clinically approved."""
    out, seen = [], set()
    topics = _load_yaml(path).get("topics") or []
    for t in governance.approved_topics(topics) if approved_only else topics:
        tid, aspect, subject = str(t["id"]), str(t["aspect"]), str(t["subject"])
        for value in (tid, aspect, subject):
            if not _ID.match(value):
                raise ValueError(f"{path}: {value!r} is not a plain lower-case id")
        if tid in seen:
            raise ValueError(f"{path}: topic id {tid!r} appears twice")
        seen.add(tid)
        out.append({"id": tid, "title": str(t["title"]), "payload": topic_payload(aspect, subject)})
    return out


def deep_link(public_url: str, topic_id: str) -> str:
    return public_url.rstrip("/") + "/?" + urlencode({"topic": topic_id})


def qr_svg(url: str, label: str, scale: int = 4) -> str:
    """An inline SVG QR code made locally (segno), named for screen readers."""
    qr = segno.make(url, error="m", micro=False)
    svg = qr.svg_inline(scale=scale, title=label, light="#fff", dark="#000", omitsize=True,
                        svgclass="qr", lineclass=None)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def check_http_url(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{option} must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def render(template: str, **values: str) -> str:
    """Fill templates/<template>; every value is HTML-escaped unless its name ends in _html."""
    text = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
    safe = {k: (v if k.endswith("_html") else html.escape(str(v), quote=True)) for k, v in values.items()}
    return Template(text).substitute(safe)


class Site:
    """All rendered pages, keyed by path."""

    def __init__(self, *, bot_url: str, public_url: str, settings_path: Path | None = SETTINGS_PATH,
                 topics_path: Path = TOPICS_PATH, primary_color: str = DEFAULT_PRIMARY_COLOR):
        if not _COLOR.match(primary_color):
            raise ValueError(f"--primary-color must look like #005eb8, got {primary_color!r}")
        self.bot_url = check_http_url(bot_url, "--bot-url")
        self.public_url = check_http_url(public_url, "--public-url")
        self.primary_color = primary_color
        self.clinic = Clinic.load(settings_path)
        self.settings_path = settings_path
        self.topics = load_topics(topics_path, approved_only=self.clinic.mode == "production")

    def _common(self) -> dict:
        c = self.clinic
        return {"clinic_name": c.name, "team_name": c.team_name, "nurse_title": c.nurse_title,
                "nurse_line": c.nurse_line, "nurse_hours": c.nurse_hours, "emergency": c.emergency,
                "urgent_advice": c.urgent_advice}

    def topics_json(self) -> bytes:
        return json.dumps({"topics": self.topics}, ensure_ascii=False, indent=1).encode("utf-8")

    def demo_html(self) -> str:
        return render("demo.html", bot_url=self.bot_url, primary_color=self.primary_color,
                      review_note=self.clinic.review_note, **self._common(), **self._privacy())

    def _privacy(self) -> dict:
        """For the widget's privacy note (docs/privacy.md): retention and the trust's notice."""
        from bot.settings import Settings, SettingsError
        try:
            s = Settings.load(self.settings_path)
        except SettingsError:  # a partial settings file (the clinic's own details are optional here)
            return {"keep_days": "", "privacy_url": ""}
        return {"keep_days": str(s.keep_conversations_days), "privacy_url": s.privacy_notice_url}

    def nurses_html(self) -> str:
        items = []
        for t in self.topics:
            link = deep_link(self.public_url, t["id"])
            label = f"QR code that opens the chat on: {t['title']}"
            items.append(render(
                "nurse_topic.html", title=t["title"], topic_id=t["id"], link=link,
                handout=f"/nurses/handout/{t['id']}", qr_html=qr_svg(link, label, scale=3)))
        status = (self.clinic.review_note or
                  "Only answers approved by the clinical team are shown to patients.")
        return render("nurses.html", topics_html="\n".join(items), public_url=self.public_url,
                      content_status=status, **source.placeholders(), **self._common())

    def handout_html(self, topic: dict) -> str:
        link = deep_link(self.public_url, topic["id"])
        label = f"QR code: scan it to read about {topic['title']}"
        return render("handout.html", title=topic["title"], link=link,
                      qr_html=qr_svg(link, label, scale=8), **self._common())

    def pages(self) -> dict[str, tuple[str, bytes]]:
        """{path: (content type, body)} for every page the server answers."""
        html_type = "text/html; charset=utf-8"
        out = {
            "/": (html_type, self.demo_html().encode("utf-8")),
            "/topics.json": ("application/json; charset=utf-8", self.topics_json()),
            "/nurses": (html_type, self.nurses_html().encode("utf-8")),
        }
        for t in self.topics:
            out[f"/nurses/handout/{t['id']}"] = (html_type, self.handout_html(t).encode("utf-8"))
        return out
