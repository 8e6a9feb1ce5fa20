"""The figures the NET team sees (staff page, CSV, monthly report), from the analytics store.

Each figure is a Table: a title, column names and rows, so the page, the CSV download and
the printed report all show the same numbers. Plain SQL aggregates over indexed columns: with
100,000 turns all of them take well under the staff page's 300 ms budget (bench/staff.py).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache

import sqlite_utils

from bot import content
from bot.analytics.dispositions import DISPOSITIONS

ESCALATIONS = tuple(d for d in DISPOSITIONS if d != "none")
QUESTIONS_SHOWN = 200


@dataclass(frozen=True)
class Table:
    name: str                       # also the CSV and chart file name
    title: str
    columns: tuple
    rows: tuple
    chart: str | None = None        # how charts.py draws it, if at all
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def csv(self) -> bytes:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(self.columns)
        for row in self.rows:
            # a cell starting with = + - @ is not run as a formula by a spreadsheet
            w.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@\t\r" else c for c in row])
        return out.getvalue().encode("utf-8")


@lru_cache(maxsize=1)
def answer_questions() -> dict:
    return {a["id"]: a["question"] for a in content.answers()}


@lru_cache(maxsize=1)
def answer_topics() -> dict:
    return {a["id"]: a["topic"] for a in content.answers()}


@lru_cache(maxsize=1)
def uncovered_labels() -> dict:
    return {k: v.get("label", k) for k, v in (content.subjects().get("uncovered") or {}).items()}


def _where(since: float | None, until: float | None) -> tuple[str, list]:
    # "+at": not by the `at` index, so each query keeps to its covering index (store.py)
    clauses, args = [], []
    if since is not None:
        clauses.append("+at >= ?")
        args.append(since)
    if until is not None:
        clauses.append("+at < ?")
        args.append(until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _and(where: str, cond: str) -> str:
    return f"{where} AND {cond}" if where else f" WHERE {cond}"


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def version(db: sqlite_utils.Database) -> tuple:
    """Changes whenever a figure may have: new turns, votes, reasons, kept questions or deletions."""
    return tuple(db.execute(
        "SELECT (SELECT SUM(messages) FROM weekly), (SELECT MAX(id) FROM turns), (SELECT COUNT(*) FROM feedback), "
        "(SELECT COUNT(reason) FROM feedback), (SELECT COUNT(*) FROM questions)").fetchone())


WEEK_COLUMNS = ("messages", "conversations", "answers", "fallback", "second_miss", "not_covered", "typed",
                *ESCALATIONS)


def weekly_from_turns(db, where: str = "", args: list = ()) -> tuple[list, int]:
    """[(week, messages, conversations, answers, fallback, second_miss, not_covered, typed,
    emergency, crisis, urgent, soon)], distinct conversations: counted from the turns."""
    rows = db.execute("SELECT week, COUNT(*), COUNT(DISTINCT conv), COUNT(answer_id), SUM(fallback), "
                      "SUM(second_miss), SUM(not_covered), SUM(typed), "
                      + ", ".join(f"SUM(disposition = '{d}')" for d in ESCALATIONS)
                      + f" FROM turns{where} GROUP BY week ORDER BY week", list(args)).fetchall()
    convs = db.execute(f"SELECT COUNT(DISTINCT conv) FROM turns{where}", list(args)).fetchone()[0]
    return [tuple(c or 0 for c in r) for r in rows], convs


def weekly(db) -> tuple[list, int]:
    """The same, from the weekly rollup kept by SQLite triggers (store.ROLLUP_SQL)."""
    per_week = dict(db.execute("SELECT week, COUNT(*) FROM week_convs GROUP BY week").fetchall())
    rows = db.execute("SELECT week, messages, answers, fallback, second_miss, not_covered, typed, "
                      + ", ".join(ESCALATIONS) + " FROM weekly ORDER BY week").fetchall()
    convs = db.execute("SELECT COUNT(*) FROM convs").fetchone()[0]
    return [(r[0], r[1], per_week.get(r[0], 0), *r[2:]) for r in rows], convs


def compute(db: sqlite_utils.Database, since: float | None = None, until: float | None = None) -> dict:
    """{name: Table} for every figure, over [since, until) (all rows when both are None)."""
    where, args = _where(since, until)
    q = lambda sql, a=args: db.execute(sql, a).fetchall()  # noqa: E731
    tables = {}

    # by week: from the rollup tables (store.py) for all data, else one pass over a covering index
    weeks, total_convs = weekly(db) if not where else weekly_from_turns(db, where, args)
    col = lambda i: sum(r[i] or 0 for r in weeks)  # noqa: E731
    total_turns, answers, fallbacks, second, not_covered, typed = (col(i) for i in (1, 3, 4, 5, 6, 7))
    escalated = sum(col(8 + i) for i in range(len(ESCALATIONS)))
    timed_where = _and(where, "latency_ms IS NOT NULL")
    n_lat = q(f"SELECT COUNT(latency_ms) FROM turns{timed_where}")[0][0]

    def latency_at(share: float):
        if not n_lat:
            return None
        offset = min(n_lat - 1, int(n_lat * share))
        return q(f"SELECT latency_ms FROM turns{timed_where} ORDER BY latency_ms LIMIT 1 OFFSET {offset}")[0][0]

    p50, p95 = latency_at(0.5), latency_at(0.95)
    votes, yes = q(f"SELECT COUNT(*), COALESCE(SUM(helpful), 0) FROM feedback{where}")[0]
    consented = q(f"SELECT COUNT(*) FROM questions{where}")[0][0]
    tables["summary"] = Table("summary", "Summary", ("measure", "value"), (
        ("conversations", total_convs), ("messages", total_turns), ("messages typed by patients", typed),
        ("answers given", answers), ("not understood (fallback)", fallbacks),
        ("not understood twice (second miss)", second), ("not covered by the source", not_covered),
        ("escalations (emergency, crisis, urgent, soon)", escalated),
        ("helpfulness votes", votes), ("voted helpful", pct(yes, votes)),
        ("questions kept with consent", consented),
        ("reply time, median (ms)", round(p50) if p50 is not None else "-"),
        ("reply time, 95th percentile (ms)", round(p95) if p95 is not None else "-"),
    ))

    tables["weekly"] = Table("weekly", "Conversations and messages per week",
                             ("week starting", "conversations", "messages"),
                             tuple((r[0], r[2], r[1]) for r in weeks), "weekly")

    given = dict(q(f"SELECT answer_id, COUNT(*) FROM turns{_and(where, 'answer_id IS NOT NULL')} GROUP BY answer_id"))
    by_topic: dict[str, int] = {}
    for answer_id, n in given.items():
        topic = answer_topics().get(answer_id, answer_id)
        by_topic[topic] = by_topic.get(topic, 0) + n
    tables["topics"] = Table("topics", "Answers by topic", ("topic", "answers given"),
                             tuple(sorted(by_topic.items(), key=lambda r: (-r[1], r[0]))), "hbar")

    fb = q("SELECT answer_id, COUNT(*), SUM(helpful), "
           "SUM(reason = 'not_answered'), SUM(reason = 'hard_to_understand'), SUM(reason = 'not_expected') "
           f"FROM feedback{where} GROUP BY answer_id")
    names = answer_questions()
    rows = []
    for answer_id, n, y, r1, r2, r3 in fb:
        rows.append((answer_id, names.get(answer_id, answer_id), given.get(answer_id, 0), n, y, n - y,
                     pct(y, n), r1 or 0, r2 or 0, r3 or 0))
    rows.sort(key=lambda r: (r[4] / r[3], -r[5], r[0]))   # worst first: lowest share helpful, most "no"
    tables["helpfulness"] = Table(
        "helpfulness", "Helpfulness per answer, worst first",
        ("answer id", "answer", "times given", "votes", "yes", "no", "helpful",
         "did not answer", "hard to understand", "not expected"), tuple(rows), "helpful",
        note="Only answers with at least one vote are listed.")

    labels = uncovered_labels()
    unc = q(f"SELECT uncovered, COUNT(*) AS n FROM turns{_and(where, 'uncovered IS NOT NULL')} "
            "GROUP BY uncovered ORDER BY n DESC, uncovered")
    tables["uncovered"] = Table("uncovered", "Topics asked about that the source does not cover",
                                ("topic", "times asked"),
                                tuple(sorted(((labels.get(u, u), n) for u, n in unc), key=lambda r: (-r[1], r[0]))),
                                "hbar")

    tables["escalations"] = Table(
        "escalations", "Escalations by disposition per week", ("week starting", *ESCALATIONS),
        tuple((r[0], *(r[8 + i] or 0 for i in range(len(ESCALATIONS)))) for r in weeks
              if any(r[8 + i] for i in range(len(ESCALATIONS)))), "stacked")

    qs = q(f"SELECT day, trigger, text FROM questions{where} ORDER BY at DESC LIMIT {QUESTIONS_SHOWN}")
    tables["questions"] = Table(
        "questions", "Questions the chat could not answer, kept with consent", ("date", "after", "question"),
        tuple((d, t.replace("_", " "), x) for d, t, x in qs),
        note=f"Newest first (up to {QUESTIONS_SHOWN}). Redacted: [word], [number] and [email] mark what was "
             "taken out.")
    return tables
