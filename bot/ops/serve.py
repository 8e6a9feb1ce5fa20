"""Start the action server, the Rasa server and the web page; stop all three on Ctrl-C.
A child that dies is restarted with backoff while the others keep serving (bot/ops/supervisor.py),
so with the action server down the safety replies still go out.

`make run` calls this; the end-to-end tests call it too, so they start the bot exactly as a
user does. Ports and the optional API token come from the environment:
  RASA_PORT (5005) ACTIONS_PORT (5055) WEB_PORT (8080) RASA_INTERFACE (127.0.0.1)
  RASA_TOKEN: if set, Rasa's HTTP API is enabled and protected by this token; else it is off.
    It is passed on in the environment, never on a command line (bot/rasa_ext/run.py).
  RASA_WORKERS (2): Rasa worker processes; they share the SQLite lock and tracker stores.
  BOT_DATA_DIR (var): where those stores live (tracker.db, locks.db); the tests use a throwaway one.
  BOT_STORES: `cluster` uses endpoints-cluster.yml (PostgreSQL at DATABASE_URL, Redis at
    REDIS_URL) for one of several replicas; retention then runs once per cluster, not here.
  BOT_URL: the bot's address as browsers see it (default http://localhost:RASA_PORT).
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bot.content import governance
from bot.ops.supervisor import Child, Supervisor
from bot.paths import MODEL, PROJECT_ROOT, data_dir
from bot.privacy.private_files import private_data_dir
from bot.privacy.retention import forget_old, forget_old_analytics
from bot.settings import Settings, SettingsError

BIN = Path(sys.executable).parent


def quiet_env() -> dict:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false",
               TF_CPP_MIN_LOG_LEVEL="3", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               SANIC_HOST="127.0.0.1")  # the action server listens on localhost only
    return env


def endpoints_file() -> str:
    """The one switch between one machine (SQLite) and a cluster replica (PostgreSQL, Redis)."""
    return "endpoints-cluster.yml" if os.environ.get("BOT_STORES") == "cluster" else "endpoints.yml"


def commands(rasa_port: int, actions_port: int, web_port: int, interface: str, web: bool,
             actions: bool = True) -> dict:
    settings = Settings.load()
    # bot.rasa_ext.run is Rasa with the project's patches, and the API token (RASA_TOKEN) read from
    # the environment, so it never shows in `ps`; bot.rasa_ext.action_server is rasa-sdk's server
    # without its leaky error body
    rasa = [sys.executable, "-m", "bot.rasa_ext.run", "run", "--model", str(MODEL), "--port", str(rasa_port),
            "--interface", interface, "--endpoints", endpoints_file(),
            "--credentials", "credentials.yml", "--cors", *settings.cors_origins,
            f"http://localhost:{web_port}", f"http://127.0.0.1:{web_port}"]
    cmds = {"rasa": rasa}
    if actions:
        cmds["actions"] = [sys.executable, "-m", "bot.rasa_ext.action_server", "--actions", "actions",
                           "--port", str(actions_port)]
    if web:
        cmds["web"] = [sys.executable, "-m", "bot.web.server", "--port", str(web_port),
                       "--bot-url", os.environ.get("BOT_URL") or f"http://localhost:{rasa_port}"]
    return cmds


def wait_until_up(url: str, procs: dict, timeout: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        for name, p in procs.items():
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with code {p.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - t0
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def keep_forgetting(db: Path, days: int, every: float = 86400) -> threading.Thread:
    """Forget old conversations now and then daily, beside the servers (bot/privacy/retention.py)."""
    def run() -> None:
        while True:
            try:
                n = forget_old(db, days)
                forget_old_analytics(db.parent, days)
                if n:
                    print(f"Forgot {n} conversation(s) with nothing new for {days} days.", flush=True)
            except sqlite3.Error as e:  # a busy or damaged file: say so, try again tomorrow
                print(f"Could not forget old conversations: {e}", file=sys.stderr, flush=True)
            time.sleep(every)
    t = threading.Thread(target=run, name="forget-old-conversations", daemon=True)
    t.start()
    return t


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_problems() -> list[str]:
    """Why the bot must not start: in production mode, example contacts, a triage without its
    clinical safety sign-off, or a knowledge base built for development."""
    try:
        problems = governance.production_problems()
    except SettingsError as e:
        return [str(e)]
    if not problems and Settings.load().mode == "production" and governance.built_mode() != "production":
        problems.append("the knowledge base was built in development mode: run `make build` "
                        "with these settings (NETBOT_SETTINGS) first")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-web", action="store_true", help="do not start the web page")
    ap.add_argument("--no-actions", action="store_true",
                    help="do not start the action server (to prove safety replies do not need it)")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)
    problems = start_problems()
    if problems:  # production mode with example contacts or no triage sign-off (docs/content.md)
        print("Refusing to start in production mode:\n  - " + "\n  - ".join(problems), file=sys.stderr)
        return 2
    rasa_port = int(os.environ.get("RASA_PORT", 5005))
    actions_port = int(os.environ.get("ACTIONS_PORT", 5055))
    web_port = int(os.environ.get("WEB_PORT", 8080))
    interface = os.environ.get("RASA_INTERFACE", "127.0.0.1")
    busy = [p for p in (rasa_port, actions_port) + (() if args.no_web else (web_port,)) if port_in_use(p)]
    if busy:
        print(f"Port(s) {busy} already in use: is the bot already running? Stop it first.", file=sys.stderr)
        return 2
    # Ctrl-C or a TERM (from a test or a service manager) stops all three cleanly, even
    # when this process was started in the background with SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    if not MODEL.exists():
        print(f"No trained model at {MODEL}. Run `make run` (it trains one).", file=sys.stderr)
        return 2
    # conversations are health data: umask 077 for every server, data folder 0700
    data = private_data_dir(data_dir())
    env = quiet_env()
    env["ACTIONS_PORT"] = str(actions_port)  # endpoints.yml reads both
    env["BOT_DATA_DIR"] = str(data)
    if endpoints_file() == "endpoints.yml":  # a cluster forgets once, on PostgreSQL (bot.ops.cluster)
        keep_forgetting(data / "tracker.db", Settings.load().keep_conversations_days)
    # Two workers use both cores of the reference machine (make bench: ~1.7x the messages/s)
    env["SANIC_WORKERS"] = os.environ.get("RASA_WORKERS", "2")
    supervisor = Supervisor([Child(name, cmd, env=env, cwd=str(PROJECT_ROOT)) for name, cmd in commands(
        rasa_port, actions_port, web_port, interface, not args.no_web, not args.no_actions).items()])
    t0 = time.monotonic()
    try:
        supervisor.start()
        procs = supervisor.procs
        wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", procs, args.timeout)
        if not args.no_actions:
            wait_until_up(f"http://127.0.0.1:{actions_port}/health", procs, args.timeout)
        print(f"\nNET education bot is ready ({time.monotonic() - t0:.1f} s to start).\n"
              f"  Chat in a browser:  http://localhost:{web_port}/  (nurse page: /nurses)\n"
              f"  REST channel:       http://localhost:{rasa_port}/webhooks/rest/webhook\n"
              f"  Rasa HTTP API:      {'on (token required)' if os.environ.get('RASA_TOKEN') else 'off'}\n"
              f"Press Ctrl-C to stop.\n", flush=True)
        supervisor.run()  # restarts a child that dies, until Ctrl-C or TERM
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as e:
        print(f"start-up failed: {e}", file=sys.stderr)
        return 1
    finally:
        supervisor.stop()


if __name__ == "__main__":
    sys.exit(main())
