"""`rasa run`, started as `python -m bot.rasa_run <rasa run options>`, with the API token read
from the environment (RASA_TOKEN) instead of the command line.

A token given as `--auth-token` could be read by every local user in `ps` and /proc/PID/cmdline
(docs/security.md, M5). Here the options are built inside the process, after it started, so the
command line shows no secret; the variable is removed from this process's environment before
Rasa starts its workers. Without RASA_TOKEN, Rasa's HTTP API stays off.
"""
from __future__ import annotations

import os
import sys


def rasa_argv(options: list[str], token: str | None) -> list[str]:
    return ["rasa", "run", *options] + (["--enable-api", "--auth-token", token] if token else [])


def main() -> None:
    token = os.environ.pop("RASA_TOKEN", None) or None
    sys.argv = rasa_argv(sys.argv[1:], token)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
