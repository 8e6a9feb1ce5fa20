"""`make report`: the printable monthly summary for the NET team, as one HTML file.

    make report                 # last calendar month
    make report MONTH=2025-03   # a given month

The same figures, charts and tables as the staff page, for one month, in a self-contained
file (charts inline, no links to fetch) under BOT_DATA_DIR/reports/, created 0600: print it
or save it as PDF from a browser. Rows are kept for privacy.keep_conversations_days, so run it
early in the month (a cron line is in docs/insights.md); the summary says which days it covers.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime, timedelta

from bot.analytics.figures import compute
from bot.analytics.store import DAY, connect, data_dir, default_path, ensure_schema, month_bounds


def last_month(now: float) -> str:
    first = date.fromtimestamp(now).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def month_tables(db_factory, month: str):
    """(tables, since, until) for `month` ('2025-03'); ValueError for a malformed month."""
    if len(month) != 7:
        raise ValueError(month)
    since, until = month_bounds(month)
    db = db_factory()
    try:
        return compute(db, since, until), since, until
    finally:
        db.conn.close()


def period_text(since: float, until: float, keep_days: int, now: float) -> str:
    first, last = date.fromtimestamp(since), date.fromtimestamp(until - 1)
    held = max(since, now - keep_days * DAY)
    text = f"{first:%d %B %Y} to {last:%d %B %Y}"
    if held > since:
        start = date.fromtimestamp(held)
        text += (f". Rows are kept {keep_days} days, so this covers {start:%d %B %Y} onwards"
                 if start <= last else f". Rows are kept {keep_days} days: none of this month is held any more")
    return text


def main(argv=None) -> int:
    from bot.analytics.known import feedback_texts
    from bot.settings import Settings
    from bot.web.staff_render import insights_page

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--month", default=os.environ.get("MONTH") or None, help="YYYY-MM (default: last month)")
    args = ap.parse_args(argv)
    now = time.time()
    month = args.month or last_month(now)
    try:
        datetime.strptime(month, "%Y-%m")
    except ValueError:
        print(f"--month must look like 2025-03, got {month!r}", file=sys.stderr)
        return 2
    settings = Settings.load()
    path = default_path()

    def db_factory():
        if path.exists():
            return connect(path, readonly=True)
        from sqlite_utils import Database
        db = Database(memory=True)
        ensure_schema(db)
        return db

    tables, since, until = month_tables(db_factory, month)
    html = insights_page(tables, clinic_name=settings.clinic_name, heading=f"Monthly summary: {month}",
                         period=period_text(since, until, settings.keep_conversations_days, now),
                         privacy_notice=feedback_texts()["privacy_notice"].format(
                             days=settings.keep_conversations_days).strip(),
                         keep_days=settings.keep_conversations_days, report=True)
    out_dir = data_dir() / "reports"
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    out = out_dir / f"net-chat-summary-{month}.html"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(html)
    print(f"Monthly summary for {month}: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
