"""The launcher supervises: SIGKILL each of its children under load. While the action server or
the web page is down, every emergency message still gets the emergency reply first; after any
crash the bot is whole again within 30 s; and nothing outlives a SIGKILLed launcher."""
import os
import signal
import threading
import time
import urllib.request
import uuid

import pytest

from tests.e2e.harness import Stack, text_of

# Seconds. A Rasa restart is a cold start (about 15 s on a quiet machine); on a machine so busy
# that a cold start takes longer than 15 s, up to twice the cold start measured in this run.
WHOLE_WITHIN = 30
COMMANDS = {"rasa": "bot.rasa_run", "actions": "bot.action_server", "web": "bot.web.server"}


@pytest.fixture(scope="module")
def stack():
    s = Stack(web=True)
    s.start_s = s.start()
    yield s
    s.stop()


def descendants(pid: int) -> dict[int, str]:
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        for k in kids:
            try:
                with open(f"/proc/{k}/cmdline", "rb") as f:
                    out[k] = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            todo.append(k)
    return out


def command_pid(stack, name: str) -> int:
    """The child's own process (not the shell that starts it, not Rasa's worker processes)."""
    found = sorted(p for p, cmd in descendants(stack.proc.pid).items()
                   if COMMANDS[name] in cmd and not cmd.startswith("/bin/sh"))
    assert found, f"no {name} process"
    return found[0]


def up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def whole(stack) -> bool:
    """Every part answers, and a question is answered from the knowledge base again."""
    if not (up(f"{stack.url}/webhooks/rest/") and up(f"http://127.0.0.1:{stack.actions_port}/health")
            and up(f"http://127.0.0.1:{stack.web_port}/")):
        return False
    status, body = stack.post_raw(('{"sender": "w-%s", "message": "what is lanreotide"}' % uuid.uuid4().hex[:8]).encode())
    return status == 200 and "somatostatin analogue" in text_of(body)


class Emergencies:
    """Under load: one thread sends an emergency every 0.2 s, another asks questions."""

    def __init__(self, stack):
        self.stack, self.stop, self.results = stack, threading.Event(), []

    def _emergencies(self):
        while not self.stop.is_set():
            t = time.monotonic()
            try:
                status, body = self.stack.post_raw(
                    ('{"sender": "e-%s", "message": "I have crushing chest pain"}' % uuid.uuid4().hex[:8]).encode())
                ok = status == 200 and body[0]["text"].startswith("Call 999 now")
            except (OSError, KeyError, IndexError, TypeError):
                ok = False
            self.results.append((t, ok))
            time.sleep(0.2)

    def _questions(self):
        while not self.stop.is_set():
            try:
                self.stack.post_raw(('{"sender": "q-%s", "message": "how is octreotide given"}'
                                     % uuid.uuid4().hex[:8]).encode())
            except OSError:
                time.sleep(0.2)

    def __enter__(self):
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self._emergencies, self._questions)]
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)


@pytest.mark.parametrize("name", ["actions", "web", "rasa"])
def test_a_killed_child_is_restarted_and_emergencies_are_answered_meanwhile(stack, name):
    assert whole(stack)
    limit = max(WHOLE_WITHIN, 2 * stack.start_s)
    with Emergencies(stack) as load:
        time.sleep(1)
        os.kill(command_pid(stack, name), signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(0.5)
        while not whole(stack):
            assert time.monotonic() - killed < limit, f"{name}: not whole {limit:.0f} s after the crash (cold start {stack.start_s:.0f} s)"
            time.sleep(0.5)
        took = time.monotonic() - killed
        time.sleep(1)
    during = [ok for t, ok in load.results if t >= killed]
    assert during, "no emergency was sent during the outage"
    if name != "rasa":  # Rasa itself answers emergencies; the others must not matter to them
        assert all(during), f"{during.count(False)} of {len(during)} emergencies unanswered with {name} down"
    print(f"\n{name} killed: whole again after {took:.1f} s (cold start {stack.start_s:.1f} s); {len(during)} emergencies sent, "
          f"{during.count(False)} unanswered")


def test_nothing_outlives_a_sigkilled_launcher(stack):
    kids = descendants(stack.proc.pid)
    assert len([c for c in kids.values() if not c.startswith("/bin/sh")]) >= 3
    os.kill(stack.proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{p}") and open(f"/proc/{p}/stat").read().split(")")[-1].split()[0] != "Z"
              for p in kids):
        assert time.monotonic() < deadline, "children still running 10 s after the launcher was killed"
        time.sleep(0.2)
