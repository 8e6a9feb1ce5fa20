"""`make audit`: the pinned components (constraints.txt) against known vulnerabilities.

Offline first: every advisory in config/advisories.yml (from the security review) is checked
against the pins. A pin inside an advisory's range must record whether the flaw is reachable and,
if it is, its mitigation; otherwise this fails, so a new pin or a new advisory cannot slip by
unexamined. Then, if pip-audit is installed, it checks the pins against the online PyPI/OSV
database; it needs the network, which this project's machines do not have (only the package
registries), so there it says so instead of failing silently. docs/security.md has the table.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from bot import PROJECT_ROOT
from bot.content import load_yaml

ADVISORIES = PROJECT_ROOT / "config" / "advisories.yml"
CONSTRAINTS = PROJECT_ROOT / "constraints.txt"


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path = CONSTRAINTS) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if m:
            out[norm(m.group(1))] = m.group(2)
    return out


def check(advisories: list[dict], pinned: dict[str, str]) -> tuple[list[str], list[str]]:
    """(report lines, problems). A problem: an affected pin with no reachability or, where it
    is reachable, no mitigation; or an advisory naming a package that is not pinned."""
    lines, problems = [], []
    for a in advisories:
        name, version = a["package"], pinned.get(norm(a["package"]))
        ids = ", ".join(a.get("ids") or [])
        if version is None:
            problems.append(f"{name}: in config/advisories.yml but not pinned in constraints.txt")
            continue
        if Version(version) not in SpecifierSet(a["affected"]):
            lines.append(f"ok        {name} {version}: not affected by {ids}")
            continue
        reach = str(a.get("reachable") or "")
        if not reach:
            problems.append(f"{name} {version} is affected by {ids}: say whether it is reachable")
        elif not reach.startswith(("no", "negligible")) and not a.get("mitigation"):
            problems.append(f"{name} {version} is affected by {ids} and reachable: record the mitigation")
        lines.append(f"AFFECTED  {name} {version}: {ids} ({a.get('what', '')}); reachable: {reach}"
                     + (f"; mitigation: {a['mitigation']}" if a.get("mitigation") else ""))
    return lines, problems


def main() -> int:
    lines, problems = check(load_yaml(ADVISORIES)["advisories"], pins())
    print("Offline check of constraints.txt against config/advisories.yml:")
    print("\n".join("  " + line for line in lines))
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    if shutil.which("pip-audit"):
        print("\nOnline check (pip-audit; needs the network):", flush=True)
        online = subprocess.run(["pip-audit", "--requirement", str(CONSTRAINTS), "--no-deps", "--disable-pip",
                                 "--progress-spinner", "off"])
        if online.returncode not in (0, 1):
            print("pip-audit could not reach its vulnerability database (no network?): only the offline "
                  "check above ran.", file=sys.stderr)
    else:
        print("\npip-audit is not installed: only the offline check above ran. Where the network allows, "
              "`pip install pip-audit` and run `make audit` again to check every pin against the "
              "PyPI/OSV database, then update config/advisories.yml.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
