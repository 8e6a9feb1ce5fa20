"""Command line: `python -m bot build` rebuilds the knowledge base, spaCy pipeline and responses;
`approve` records a clinical sign-off; `review-status` lists them; `review-pack` writes the pack."""
from __future__ import annotations

import argparse
import sys
import time


def refuse(problems: list[str], what: str) -> int:
    """Production mode with something unsafe: say each problem, exit non-zero."""
    print(f"Refusing to {what} in production mode:\n  - " + "\n  - ".join(problems), file=sys.stderr)
    return 2


def cmd_build(args) -> int:
    from bot.content import domain_build, governance, knowledge_build, spacy_pipeline
    from bot.content.source import SourceMissing
    from bot.settings import Settings, SettingsError

    t0 = time.perf_counter()
    try:
        problems = governance.production_problems()
        if problems:
            return refuse(problems, "build")
        mode = Settings.load().mode
        for change in governance.refresh():  # an edit after sign-off makes a draft again
            print(f"sign-off: {change}")
        counts = knowledge_build.build(mode=mode)
    except (SourceMissing, knowledge_build.ContentError, SettingsError) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 2
    spacy_pipeline.save_pipeline()
    changed = domain_build.render_domain()
    print(f"knowledge base: {counts['answers']} answers, {counts['glossary']} glossary terms, "
          f"{counts['passages']} passages, {counts['subjects']} subjects; mode {mode}")
    print("sign-off: " + "; ".join(
        f"{kind} {', '.join(f'{n} {s}' for s, n in by.items() if n)}"
        for kind, by in governance.summary(governance.units()).items()))
    print(f"spaCy pipeline: {spacy_pipeline.MODEL_DIR}; domain responses {'updated' if changed else 'unchanged'}; "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


def cmd_ask(args) -> int:
    from bot.answers.knowledge import KnowledgeService

    kb = KnowledgeService()
    a = kb.answer(args.aspect, args.subject)
    print(a.text if a else "(no answer)")
    return 0


def cmd_approve(args) -> int:
    from bot.content import governance, yaml_edit

    try:
        for uid in args.ids:
            unit = governance.approve(uid, args.by, args.role, status=args.status)
            print(f"{unit.id}: {unit.status}" + (f" by {unit.signer()}" if unit.signer() else ""))
    except (governance.GovernanceError, yaml_edit.EditError) as e:
        print(f"approve failed: {e}", file=sys.stderr)
        return 2
    return 0


def cmd_review_status(args) -> int:
    from bot.content import governance

    for u in governance.units():
        if not args.drafts or u.status == "draft":
            flag = " (changed since it was signed)" if u.stale() else ""
            print(f"{u.status:9} {u.id}{flag}" + (f"  {u.signer()}" if u.status != "draft" else ""))
    return 0


def cmd_review_pack(args) -> int:
    from bot.answers.knowledge import KnowledgeBaseUnavailable
    from bot.content import review_pack
    from bot.content.source import SourceMissing

    try:
        out = review_pack.write(args.out)
    except (SourceMissing, KnowledgeBaseUnavailable) as e:
        print(f"review pack failed: {e}", file=sys.stderr)
        return 2
    print(f"review pack: {out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build", help="build knowledge base, spaCy pipeline and domain responses")
    ask = sub.add_parser("ask", help="look up one answer: ASPECT SUBJECT")
    ask.add_argument("aspect")
    ask.add_argument("subject")
    approve = sub.add_parser("approve", help="record a clinical sign-off: ID... --by NAME --role ROLE")
    approve.add_argument("ids", nargs="+", metavar="ID",
                         help="answer id, glossary:TERM, label:SUBJECT, reply:NAME or file:PATH (see review-status)")
    approve.add_argument("--by", default="", help="the reviewer's name")
    approve.add_argument("--role", default="", help="the reviewer's role, for example CNS or CSO")
    approve.add_argument("--status", default="approved", choices=("approved", "retired", "draft"))
    status = sub.add_parser("review-status", help="list every signed-off unit and its status")
    status.add_argument("--drafts", action="store_true", help="only the drafts")
    pack = sub.add_parser("review-pack", help="write the printable review pack (build/review-pack.html)")
    pack.add_argument("--out", default=None, help="where to write it")
    from bot.privacy import erasure
    more = erasure.add_commands(sub)  # forget / export REFERENCE (docs/privacy.md)
    args = ap.parse_args(argv)
    return {"build": cmd_build, "ask": cmd_ask, "approve": cmd_approve, "review-status": cmd_review_status,
            "review-pack": cmd_review_pack, **more}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
