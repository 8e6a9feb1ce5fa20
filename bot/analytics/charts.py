"""Charts for the staff page and the report: SVG drawn on the server with matplotlib.

No JavaScript and nothing from a CDN: each chart is an SVG image with a short text
alternative, and the page shows the same numbers in a table beside it. matplotlib's object API
(Figure, not pyplot) keeps no global state; a lock still serialises drawing, as the web server
answers from several threads. A drawing costs 30-100 ms, so drawings are cached by their data.
"""
from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

from bot.analytics.figures import Table

_LOCK = threading.Lock()
_CACHE: "OrderedDict[str, bytes]" = OrderedDict()
CACHE_SIZE = 32
# Okabe-Ito colours (safe for colour-blind readers), plus hatching on stacked bars
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
HATCHES = ["", "//", "..", "xx", "\\\\"]


def _short(text: str, n: int = 38) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def alt_text(table: Table) -> str:
    """What the chart shows, in words (the full numbers are in the table beside it)."""
    if not table.rows:
        return f"{table.title}: no data yet."
    if table.chart == "hbar":
        top = ", ".join(f"{_short(r[0], 60)} {r[1]}" for r in table.rows[:3])
        return f"Bar chart, {table.title.lower()}. Most: {top}."
    if table.chart == "helpful":
        worst = ", ".join(f"{_short(r[1], 60)} {r[6]} helpful" for r in table.rows[:3])
        return f"Bar chart of the share of votes that said helpful, worst first: {worst}."
    weeks = f"{table.rows[0][0]} to {table.rows[-1][0]}"
    return f"Bar chart, {table.title.lower()}, weeks starting {weeks}."


def warm_up() -> threading.Thread:
    """Import matplotlib and draw once in the background (about 1 s), so the first staff
    page view after a start does not wait for it."""
    def run() -> None:
        try:
            _draw(Table("warm", "warm", ("a", "b"), (("x", 1),), "hbar"))
        except Exception:  # charts are optional: the tables still show every figure
            pass
    t = threading.Thread(target=run, name="charts-warm-up", daemon=True)
    t.start()
    return t


def svg(table: Table) -> bytes:
    key = hashlib.sha256(repr((table.name, table.chart, table.columns, table.rows)).encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        data = _draw(table)
        _CACHE[key] = data
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return data


def _draw(table: Table) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure  # imported on first use: the web server starts fast

    matplotlib.rcParams["svg.fonttype"] = "none"   # text stays text: smaller, and searchable

    rows = list(table.rows)
    if table.chart in ("hbar", "helpful"):
        rows = rows[:15]
        height = max(2.0, 0.75 + 0.32 * max(len(rows), 1))
    else:
        height = 3.2
    fig = Figure(figsize=(7.2, height), dpi=100)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    if not rows:
        ax.text(0.5, 0.5, "No data yet", ha="center", va="center", transform=ax.transAxes, fontsize=12)
        ax.set_axis_off()
    elif table.chart == "weekly":
        x = range(len(rows))
        w = 0.4
        ax.bar([i - w / 2 for i in x], [r[1] for r in rows], w, label=table.columns[1], color=COLOURS[0])
        ax.bar([i + w / 2 for i in x], [r[2] for r in rows], w, label=table.columns[2], color=COLOURS[1],
               hatch="//", edgecolor="white")
        ax.set_xticks(list(x), [r[0] for r in rows], rotation=30, ha="right", fontsize=8)
        ax.legend(frameon=False, fontsize=9)
    elif table.chart == "stacked":
        x = list(range(len(rows)))
        bottom = [0] * len(rows)
        for j, name in enumerate(table.columns[1:]):
            vals = [r[j + 1] for r in rows]
            ax.bar(x, vals, 0.6, bottom=bottom, label=name, color=COLOURS[j % len(COLOURS)],
                   hatch=HATCHES[j % len(HATCHES)], edgecolor="white")
            bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_xticks(x, [r[0] for r in rows], rotation=30, ha="right", fontsize=8)
        ax.legend(frameon=False, fontsize=9, ncol=4)
    elif table.chart == "helpful":
        labels = [_short(r[1]) for r in rows][::-1]
        shares = [100 * r[4] / r[3] for r in rows][::-1]
        ax.barh(labels, shares, color=COLOURS[2])
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of votes that said helpful")
        ax.tick_params(axis="y", labelsize=8)
    else:  # hbar: label, count
        labels = [_short(r[0]) for r in rows][::-1]
        ax.barh(labels, [r[1] for r in rows][::-1], color=COLOURS[0])
        ax.set_xlabel(table.columns[1])
        ax.tick_params(axis="y", labelsize=8)
    if rows and table.chart in ("weekly", "stacked", "hbar"):
        ax.yaxis.get_major_locator().set_params(integer=True) if table.chart != "hbar" else \
            ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
