"""HTML for the staff pages and the printable summary (Jinja2, autoescaped)."""
from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.analytics import charts
from bot.analytics.figures import Table
from bot.web.pages import STATIC_DIR, TEMPLATE_DIR

CHARTED = ("weekly", "escalations", "topics", "helpfulness", "uncovered")


@lru_cache(maxsize=1)
def env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def table_html(t: Table, csv: bool = True) -> Markup:
    return Markup(env().get_template("staff/table.html").render(t=t, csv=csv))


def chart_img(t: Table) -> Markup:
    return Markup('<img src="/staff/chart/{}.svg" alt="{}" width="720" height="{}">').format(
        t.name, charts.alt_text(t), 320)


def chart_inline(t: Table) -> Markup:
    """The SVG itself (for the self-contained report file), named for screen readers."""
    svg = charts.svg(t).decode("utf-8")
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(charts.alt_text(t))}" ', svg, count=1)
    return Markup(svg)


def login_page(clinic_name: str, team_name: str, error: str = "") -> bytes:
    return env().get_template("staff/login.html").render(
        clinic_name=clinic_name, team_name=team_name, error=error).encode("utf-8")


def insights_page(tables: dict, *, clinic_name: str, heading: str, period: str, privacy_notice: str,
                  keep_days: int, report: bool = False, can_log_out: bool = False) -> bytes:
    inline_css = (STATIC_DIR / "staff.css").read_text(encoding="utf-8") if report else None
    return env().get_template("staff/insights.html").render(
        tables=tables, clinic_name=clinic_name, heading=heading, period=period, report=report,
        privacy_notice=privacy_notice, keep_days=keep_days, can_log_out=can_log_out, inline_css=inline_css,
        table_html=(lambda t: table_html(t, csv=not report)),
        chart_html=(chart_inline if report else chart_img)).encode("utf-8")
