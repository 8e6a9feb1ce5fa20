"""Set one `review:` block in a YAML file, changing nothing else in the file.

Why not load and dump the whole file: even ruamel.yaml's round trip re-flows the long flow
lists of content/subjects.yml and drops some comments. So ruamel.yaml is used only to find
where the entry and its `review:` key are (line and column), and the block is spliced in as one
line of text. The result is parsed again and checked before it is written.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import yaml
from ruamel.yaml import YAML


class EditError(RuntimeError):
    pass


def flow(block: dict) -> str:
    """{status: approved, reviewed_by: "A. Nurse", ...} on one line; text always quoted."""
    parts = []
    for k, v in block.items():
        if v is None:
            parts.append(f"{k}: null")
        elif k in ("status",) or (k == "date" and len(str(v)) == 10):
            parts.append(f"{k}: {v}")
        else:
            parts.append(f"{k}: {json.dumps(str(v), ensure_ascii=False)}")
    return "{" + ", ".join(parts) + "}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _node(text: str, where: tuple):
    doc = YAML(typ="rt").load(io.StringIO(text))
    node = doc
    for k in where:
        node = node[k]
    return node


def _value_end(lines: list[str], key_line: int, key_col: int) -> int:
    """Index of the first line after the value of the key at (key_line, key_col)."""
    first = lines[key_line][key_col:]
    after = first.split(":", 1)[1].split("#", 1)[0].strip()
    if after.startswith("{"):  # flow mapping: up to its closing brace
        depth, i = 0, key_line
        while i < len(lines):
            depth += lines[i].count("{") - lines[i].count("}")
            i += 1
            if depth <= 0:
                return i
        return i
    if after:  # a scalar on the same line
        return key_line + 1
    end = key_line + 1  # a block: the deeper-indented lines below
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > key_col):
        end += 1
    while end > key_line + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def set_review(path: Path, where: tuple, block: dict) -> None:
    """Make `review:` of the mapping at `where` (keys from the root) equal to `block`."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    node = _node(text, where)
    if "review" in node:
        line, col = node.lc.key("review")
        lines[line:_value_end(lines, line, col)] = [" " * col + "review: " + flow(block) + "\n"]
    else:
        first = next(iter(node))
        line, col = node.lc.key(first)
        new = " " * col + "review: " + flow(block) + "\n"
        if lines[line][:col].strip().startswith("-"):  # "- id: x": below the item's first line
            lines.insert(_value_end(lines, line, col), new)
        else:
            lines.insert(line, new)
    new_text = "".join(lines)
    check = yaml.safe_load(new_text)
    for k in where:
        check = check[k]
    got = {k: (str(v) if v is not None else None) for k, v in (check.get("review") or {}).items()}
    want = {k: (str(v) if v is not None else None) for k, v in block.items()}
    if got != want:
        raise EditError(f"{path}: could not write the review of {'/'.join(map(str, where)) or 'the file'}")
    path.write_text(new_text, encoding="utf-8")
