"""One source per fact: each is defined in one place and read from there (issue 19)."""
import ast
import re

import yaml

from bot.paths import PROJECT_ROOT

CODE = [p for d in ("bot", "actions", "bench") for p in sorted((PROJECT_ROOT / d).rglob("*.py"))]


def strings_in_code(path):
    """String constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


def where(test) -> list[str]:
    return [str(p.relative_to(PROJECT_ROOT)) for p in CODE if any(test(s) for s in strings_in_code(p))]


def test_one_settings_reader():
    """Only bot/settings.py knows where the settings file is (NETBOT_SETTINGS, else
    config/settings.yml); everything else calls Settings.load()."""
    assert where(lambda s: s.endswith("settings.yml")) == ["bot/settings.py"]
    assert where(lambda s: s == "NETBOT_SETTINGS") == ["bot/settings.py"]


def test_one_data_directory_default():
    """BOT_DATA_DIR is read in bot/paths.py only (var/ when unset); others set it for children."""
    readers = [str(p.relative_to(PROJECT_ROOT)) for p in CODE
               if re.search(r"environ(\.get\(\s*[\"']BOT_DATA_DIR|\[[\"']BOT_DATA_DIR[\"']\](?!\s*=))",
                             p.read_text(encoding="utf-8"))]
    assert readers == ["bot/paths.py"]
    assert where(lambda s: s == "var") == ["bot/paths.py"]


def test_one_sentence_splitter():
    """The text-level sentence split is bot/understanding/text.py's; the other splits say why
    they differ (its docstring)."""
    pattern = r"(?<=[.?!])\s+|\n+"
    assert where(lambda s: s == pattern) == ["bot/understanding/text.py"]


def test_one_list_of_people_words():
    """The people a patient may write about are listed once, in content/people.yml; every other
    list refers to it (the triage's <people> group, the guard's person words)."""
    relatives = {"husband", "wife", "mum", "dad", "daughter", "son", "grandad", "neighbour"}

    def lists(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from lists(v)
        elif isinstance(node, list):
            yield node
            for v in node:
                yield from lists(v)
    found = []
    for path in sorted((PROJECT_ROOT / "content").rglob("*.yml")):
        for items in lists(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if len(relatives & {str(x).lower() for x in items}) >= 3:
                found.append(path.name)
    assert found == ["people.yml"]
    assert where(lambda s: s.lower() in relatives) == []
