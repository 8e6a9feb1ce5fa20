"""The launcher's supervisor, with small stand-in children (no Rasa): a child that dies is
restarted with backoff while the others run on; nothing outlives the supervisor, even after
a SIGKILL; a dead child's own children are cleared before it starts again."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from bot.ops.supervisor import Child, Supervisor, describe_exit

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
# a child that forks a grandchild (as Rasa forks its workers), then sleeps
FORKER = [sys.executable, "-c", "import os, time\nif os.fork() == 0:\n    time.sleep(600)\ntime.sleep(600)"]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def group_members(pgid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().split(")")[-1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    out.append(int(d))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return out


def wait_for(cond, timeout=10.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if cond():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def sup():
    s = Supervisor([Child("a", SLEEPER), Child("b", FORKER)])
    s.start()
    yield s
    s.stop(timeout=3)


def test_a_killed_child_restarts_after_backoff_and_the_other_runs_on(sup, capsys):
    assert wait_for(lambda: sup.command_pid("a") and sup.command_pid("b"))
    a, b = sup.command_pid("a"), sup.command_pid("b")
    os.kill(a, signal.SIGKILL)
    assert wait_for(lambda: sup.poll() == ["a"] or sup.children["a"].due is not None, 5)
    assert sup.command_pid("b") == b and alive(b)
    t0 = time.monotonic()
    assert wait_for(lambda: (sup.poll() or True) and sup.command_pid("a") not in (None, a), 5)
    assert 0.5 < time.monotonic() - t0 < 2.5  # first backoff: 1 s
    err = capsys.readouterr().err
    assert "a exited (killed by SIGKILL); restarting in 1 s" in err and "a started again" in err


def test_backoff_grows(sup):
    for expected in (1, 2, 4):
        assert wait_for(lambda: sup.command_pid("a"))
        os.kill(sup.command_pid("a"), signal.SIGKILL)
        assert wait_for(lambda: (sup.poll() or True) and sup.children["a"].due is not None)
        assert sup.children["a"].due - time.monotonic() == pytest.approx(expected, abs=0.3)
        sup.children["a"].due = time.monotonic()  # skip the wait
        assert wait_for(lambda: (sup.poll() or True) and sup.children["a"].due is None)


def test_a_dead_childs_own_children_are_cleared_before_the_restart(sup):
    assert wait_for(lambda: len(group_members(sup.children["b"].proc.pid)) == 3)  # shim, child, grandchild
    group = sup.children["b"].proc.pid
    os.kill(sup.command_pid("b"), signal.SIGKILL)
    assert wait_for(lambda: (sup.poll() or True) and sup.children["b"].due is not None)
    assert wait_for(lambda: group_members(group) == [])  # the orphaned grandchild too


def test_stop_ends_every_process_of_every_child(sup):
    groups = [c.proc.pid for c in sup.children.values()]
    assert wait_for(lambda: all(len(group_members(g)) >= 2 for g in groups))
    sup.stop(timeout=3)
    assert all(group_members(g) == [] for g in groups)


def test_children_die_with_a_sigkilled_supervisor(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        from bot.ops.supervisor import Child, Supervisor
        s = Supervisor([Child("a", {SLEEPER!r}), Child("b", {FORKER!r})])
        s.start()
        time.sleep(1)
        print(" ".join(str(c.proc.pid) for c in s.children.values()), flush=True)
        s.run()
    """)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        groups = [int(x) for x in p.stdout.readline().split()]
        assert groups and all(group_members(g) for g in groups)
        p.kill()  # SIGKILL: no handler, no cleanup code runs in the supervisor
        p.wait()
        assert wait_for(lambda: all(group_members(g) == [] for g in groups), 5)
    finally:
        if p.poll() is None:
            p.kill()


@pytest.mark.parametrize("code,text", [(-9, "killed by SIGKILL"), (137, "killed by SIGKILL"), (1, "code 1")])
def test_exit_descriptions(code, text):
    assert describe_exit(code) == text
