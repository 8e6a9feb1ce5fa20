"""`make eval`: start the bot as `make run` does (on spare ports, throwaway data) and grade it
with the shared evaluation on the dev set, or on the case files given.

    python -m tests.e2e.eval_dev [CASES.yml ...]
"""
from __future__ import annotations

import subprocess
import sys

from bot import PROJECT_ROOT
from tests.e2e.harness import Stack

GRADER = PROJECT_ROOT.parent / "shared" / "eval" / "run_eval.py"
DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev_cases.yml"


def main(argv: list[str]) -> int:
    if not GRADER.exists():
        print(f"the shared evaluation is not at {GRADER}", file=sys.stderr)
        return 2
    stack = Stack()
    stack.start()
    worst = 0
    try:
        for cases in argv or [str(DEV)]:
            print(f"== {cases}", flush=True)
            worst = max(worst, subprocess.run([sys.executable, str(GRADER), cases, "--url", stack.url]).returncode)
    finally:
        stack.stop()
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
