"""`make help` lists every target, one line each, from the `## ` comment on the target's line."""
import re
import subprocess

from bot.paths import PROJECT_ROOT

MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_phony_target_has_a_help_line():
    phony = {t for line in re.findall(r"^\.PHONY:(.*)$", MAKEFILE, re.M) for t in line.split()}
    documented = set(re.findall(r"^([a-zA-Z0-9_-]+):[^=\n]*## \S", MAKEFILE, re.M))
    assert phony and phony <= documented, f"targets without a `## ` help comment: {sorted(phony - documented)}"


def test_make_help_prints_one_line_per_target():
    out = subprocess.run(["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    names = [line.split()[1] for line in out.splitlines() if line.strip()]
    assert names == re.findall(r"^([a-zA-Z0-9_-]+):[^=\n]*## ", MAKEFILE, re.M)
    assert {"run", "test", "lint", "eval", "bench"} <= set(names)


def test_make_test_runs_the_linter():
    deps = re.search(r"^test:([^#\n]*)", MAKEFILE, re.M).group(1).split()
    assert "lint" in deps
