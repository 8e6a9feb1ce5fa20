"""Start the bot exactly as `make run` does (bot.ops.serve), on spare ports, for HTTP tests."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref

from bot import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, actions: bool = True, web: bool = False, env: dict | None = None):
        self.rasa_port, self.actions_port, self.web_port = free_port(), free_port(), free_port()
        self.web = web
        self.extra_env = dict(env or {})  # e.g. RASA_TOKEN
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.actions = actions
        self.proc = None
        # conversations and locks of test runs go to a throwaway folder, never into var/ where
        # `make run` keeps real conversations; it lasts across stop() and start() (a restart test)
        self.data_dir = tempfile.mkdtemp(prefix="netbot-test-")
        weakref.finalize(self, shutil.rmtree, self.data_dir, True)

    def start(self, timeout: float = 180) -> float:
        env = dict(os.environ, RASA_PORT=str(self.rasa_port), ACTIONS_PORT=str(self.actions_port),
                   WEB_PORT=str(self.web_port), BOT_DATA_DIR=self.data_dir, **self.extra_env)
        cmd = [sys.executable, "-m", "bot.ops.serve"] + ([] if self.web else ["--no-web"]) + \
            ([] if self.actions else ["--no-actions"])
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.log, self._ready = [], threading.Event()
        # a thread reads every server's output (for the no-transcripts check); waiting on an
        # event with a deadline means a server that never starts cannot hang the tests
        threading.Thread(target=self._drain, args=(self.proc,), daemon=True).start()
        while not self._ready.wait(0.5):
            if self.proc.poll() is not None or time.monotonic() - t0 > timeout:
                self.stop()
                raise RuntimeError("bot did not start:\n" + "".join(self.log[-40:]))
        return time.monotonic() - t0

    def _drain(self, proc) -> None:
        try:
            for line in proc.stdout:
                self.log.append(line)
                if "is ready" in line:  # the launcher prints this once both servers answer
                    self._ready.set()
        except ValueError:  # closed on stop
            pass

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc and self.proc.stdout:
            try:
                self.proc.stdout.close()
            except OSError:
                pass

    def post_raw(self, body: bytes, timeout: float = 30) -> tuple[int, object]:
        req = urllib.request.Request(self.url + "/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"[]")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def say(self, sender: str, text: str) -> list[dict]:
        status, body = self.post_raw(json.dumps({"sender": sender, "message": text}).encode())
        assert status == 200, body
        return body


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
