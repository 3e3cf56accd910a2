"""The template's docs as data: the table of questions in docs/options.md."""

from __future__ import annotations

import re

from support.template import TEMPLATE_DIR

OPTIONS_PAGE = TEMPLATE_DIR / "docs/options.md"
# A row of the table: | `name` | default | rule | what it changes |
ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| (?P<default>[^|]*) \| (?P<rule>[^|]*) \|", re.MULTILINE)


def documented_options() -> dict[str, dict[str, str]]:
    """Question name to its row's ``default`` and ``rule`` cells, in the table's order."""
    text = OPTIONS_PAGE.read_text("utf-8")
    rows = [
        (match["name"], {"default": match["default"].strip(), "rule": match["rule"].strip()})
        for match in ROW.finditer(text)
    ]
    names = [name for name, _ in rows]
    assert len(names) == len(set(names)), f"a question is documented twice: {names}"
    return dict(rows)
