"""Summarise `rasa test nlu --cross-validation` output: per-intent F1 and the macro-F1 bar.

Usage: python -m bot.ops.report_cv results/nlu-cv   (writes summary.md beside the JSON report)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

BAR = 0.95


def summarise(report: dict) -> str:
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
               and k not in ("macro avg", "weighted avg", "micro avg")}
    macro = report["macro avg"]["f1-score"]
    lines = ["| intent | precision | recall | F1 | examples |", "|---|---|---|---|---|"]
    for name, m in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"]):
        lines.append(f"| {name} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1-score']:.2f} | {m['support']} |")
    verdict = "meets" if macro >= BAR else "is below"
    return (f"Intent macro-F1 (cross-validation): {macro:.3f}, which {verdict} the {BAR} bar; "
            f"accuracy {report.get('accuracy', float('nan')):.3f}.\n\n" + "\n".join(lines) + "\n")


def main(argv=None) -> int:
    out = Path((argv or sys.argv[1:] or ["results/nlu-cv"])[0])
    report = json.loads((out / "intent_report.json").read_text())
    text = summarise(report)
    (out / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
