"""Command line: `python -m bot build` rebuilds the knowledge base, spaCy pipeline and responses."""
from __future__ import annotations

import argparse
import sys
import time


def cmd_build(args) -> int:
    from bot import kb_build, nlp, responses
    from bot.source import SourceMissing

    t0 = time.perf_counter()
    try:
        counts = kb_build.build()
    except (SourceMissing, kb_build.ContentError) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 2
    nlp.save_pipeline()
    changed = responses.render_domain()
    print(f"knowledge base: {counts['answers']} answers, {counts['glossary']} glossary terms, "
          f"{counts['passages']} passages, {counts['subjects']} subjects "
          f"({counts['drafts']} entries awaiting clinical review)")
    print(f"spaCy pipeline: {nlp.MODEL_DIR}; domain responses {'updated' if changed else 'unchanged'}; "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


def cmd_ask(args) -> int:
    from bot.knowledge import KnowledgeService

    kb = KnowledgeService()
    a = kb.answer(args.aspect, args.subject)
    print(a.text if a else "(no answer)")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build", help="build knowledge base, spaCy pipeline and domain responses")
    ask = sub.add_parser("ask", help="look up one answer: ASPECT SUBJECT")
    ask.add_argument("aspect")
    ask.add_argument("subject")
    from bot import erasure
    more = erasure.add_commands(sub)  # forget / export REFERENCE (docs/privacy.md)
    args = ap.parse_args(argv)
    return {"build": cmd_build, "ask": cmd_ask, **more}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
