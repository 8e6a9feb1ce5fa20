"""Keep a set of child processes running: one that dies is restarted with backoff, the others
keep serving. Used by `bot.ops.serve` (Rasa, action server, web page) and `bot.ops.cluster`.

- Each child runs in its own process group (session), so a stop or a restart reaches every
  process it forked (Rasa's worker processes too), and a dead child's leftovers are killed
  before it is started again, so they never hold its port.
- Each child is started through a small shell that the kernel signals when this process dies,
  however it dies (PR_SET_PDEATHSIG, even on SIGKILL), and which then kills its whole group:
  nothing started here outlives the launcher. (The setting alone would reach only the direct
  child; Rasa's workers are grandchildren.)
- Restart backoff: 1 s, then 2, 4, 8, at most 16 s; back to 1 s once a child has run for a
  minute. Every exit and restart is printed (never any message text: there is none here).

The watch loop runs in the calling (main) thread: PR_SET_PDEATHSIG fires when the *thread*
that started a child ends, so children must not be started from short-lived threads.
"""
from __future__ import annotations

import ctypes
import os
import pwd
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

PR_SET_PDEATHSIG = 1
FIRST_BACKOFF, MAX_BACKOFF, STABLE_AFTER = 1.0, 16.0, 60.0
# The shell: on TERM (sent by the kernel when the launcher dies) kill the whole group, else
# run the command and exit with its status. `wait` is interrupted by the trap; a foreground
# command would delay it.
SHIM = 'trap "kill -KILL 0" TERM; "$@" & wait $!; exit $?'


def _libc_prctl(option: int, arg: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, arg, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")


def _preexec(parent_pid: int, user: str | None):
    """Runs in the child between fork and exec: drop to `user` (when we are root), then ask
    for SIGTERM when the parent dies (after the user change, which would clear it)."""
    account = pwd.getpwnam(user) if user and os.geteuid() == 0 else None

    def run() -> None:
        if account:
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
        _libc_prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before the prctl
            os._exit(1)
    return run


@dataclass
class Child:
    name: str
    cmd: list[str]
    env: dict | None = None
    cwd: str | None = None
    user: str | None = None            # run as this user when started by root (postgres, redis)
    stop_signal: int = signal.SIGTERM  # PostgreSQL: SIGINT is its fast shutdown
    restart: bool = True
    stdout: object = None              # a file object, or None to share ours
    proc: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0
    backoff: float = FIRST_BACKOFF
    due: float | None = None           # when a dead child is to be started again
    history: list = field(default_factory=list)  # (monotonic time, "exited"/"started", detail)


def _say(text: str) -> None:
    print(f"supervisor: {text}", file=sys.stderr, flush=True)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def describe_exit(code: int) -> str:
    """The shim exits 128+N when its command was killed by signal N."""
    sig = -code if code < 0 else code - 128 if code > 128 else 0
    try:
        return f"killed by {signal.Signals(sig).name}" if sig else f"code {code}"
    except ValueError:
        return f"code {code}"


class Supervisor:
    def __init__(self, children: list[Child] | None = None) -> None:
        self.children: dict[str, Child] = {}
        self.pid = os.getpid()
        for c in children or []:
            self.add(c)

    def add(self, child: Child) -> Child:
        self.children[child.name] = child
        return child

    @property
    def procs(self) -> dict[str, subprocess.Popen]:
        return {n: c.proc for n, c in self.children.items() if c.proc is not None}

    def start(self, name: str | None = None) -> None:
        for child in ([self.children[name]] if name else self.children.values()):
            child.proc = subprocess.Popen(
                ["/bin/sh", "-c", SHIM, "sh", *child.cmd], cwd=child.cwd, env=child.env,
                stdout=child.stdout, stderr=subprocess.STDOUT if child.stdout else None,
                start_new_session=True, preexec_fn=_preexec(self.pid, child.user))
            child.started, child.due = time.monotonic(), None
            child.history.append((child.started, "started", child.proc.pid))

    def stop(self, name: str | None = None, timeout: float = 15) -> None:
        """Stop one child, or all: its stop signal to the command, then the group is killed."""
        chosen = [self.children[name]] if name else list(self.children.values())
        for c in chosen:
            c.due = None
            if c.proc and c.proc.poll() is None:
                self._signal_command(c, c.stop_signal)
        deadline = time.monotonic() + timeout
        for c in chosen:
            if c.proc:
                try:
                    c.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
                _signal_group(c.proc, signal.SIGKILL)  # nothing may outlive us and hold a port

    def _signal_command(self, child: Child, sig: int) -> None:
        """Signal the command itself (the shim's child), then anything else in its group
        that shares the command's stop signal, so a server shuts down its own way."""
        pid = self.command_pid(child)
        try:
            if pid:
                os.kill(pid, sig)
            else:
                os.killpg(child.proc.pid, sig)
        except ProcessLookupError:
            pass

    def command_pid(self, child: Child | str) -> int | None:
        """The pid of the command itself (the shim's only child), or None."""
        child = self.children[child] if isinstance(child, str) else child
        if not child.proc:
            return None
        try:
            with open(f"/proc/{child.proc.pid}/task/{child.proc.pid}/children") as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except (OSError, ValueError):
            return None

    def poll(self) -> list[str]:
        """Notice children that died and start those whose backoff is over; names that died."""
        now, died = time.monotonic(), []
        for c in self.children.values():
            if c.proc is None or c.proc.poll() is None:
                continue
            if c.due is None:
                died.append(c.name)
                _signal_group(c.proc, signal.SIGKILL)  # its leftovers (worker processes)
                c.history.append((now, "exited", c.proc.returncode))
                if not c.restart:
                    c.due = float("inf")
                    _say(f"{c.name} exited ({describe_exit(c.proc.returncode)}); not restarted")
                    continue
                if now - c.started > STABLE_AFTER:
                    c.backoff = FIRST_BACKOFF
                c.due = now + c.backoff
                _say(f"{c.name} exited ({describe_exit(c.proc.returncode)}); "
                     f"restarting in {c.backoff:g} s (restart {c.restarts + 1})")
                c.backoff = min(c.backoff * 2, MAX_BACKOFF)
            elif now >= c.due:
                c.restarts += 1
                self.start(c.name)
                _say(f"{c.name} started again")
        return died

    def run(self, every: float = 0.25) -> None:
        """Watch until interrupted (KeyboardInterrupt, raised by the caller's signal handler)."""
        while True:
            self.poll()
            time.sleep(every)
