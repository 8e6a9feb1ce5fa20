"""Every Rasa command the project runs, with the project's Rasa patches applied first:
`python -m bot.rasa_ext.run <rasa command and options>` (make uses it for `rasa train`, `rasa
data validate`, `rasa test core`, `rasa test nlu`; bot.ops.serve for `rasa run`).

For `run`, the API token is read from the environment (RASA_TOKEN) instead of the command line:
a token given as `--auth-token` could be read by every local user in `ps` and /proc/PID/cmdline
(docs/security.md, M5). Here the options are built inside the process, after it started, so the
command line shows no secret; the variable is removed from this process's environment before
Rasa starts its workers. Without RASA_TOKEN, Rasa's HTTP API stays off.
BOT_DATA_DIR, which endpoints.yml reads, gets its one default here (bot/paths.py: var/).
"""
from __future__ import annotations

import os
import sys


def rasa_argv(args: list[str], token: str | None) -> list[str]:
    """sys.argv for Rasa's own main: `args` is the command and its options ("run", "--port"...)."""
    if args[:1] == ["run"] and token:
        return ["rasa", *args, "--enable-api", "--auth-token", token]
    return ["rasa", *args]


def main() -> None:
    from bot.paths import data_dir

    token = os.environ.pop("RASA_TOKEN", None) or None
    # endpoints.yml reads ${BOT_DATA_DIR}: its one default is bot/paths.py's
    os.environ["BOT_DATA_DIR"] = str(data_dir())
    sys.argv = rasa_argv(sys.argv[1:], token)
    from rasa.__main__ import main as rasa_main

    from bot.rasa_ext import patches

    patches.apply()
    print(patches.summary(), file=sys.stderr, flush=True)  # Rasa has not set up logging yet
    rasa_main()


if __name__ == "__main__":
    main()
