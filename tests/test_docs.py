"""The docs agree with the template: every option documented, every link resolves."""

from __future__ import annotations

import json
import re

import pytest

from conftest import TEMPLATE_DIR

OPTIONS = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text("utf-8"))
PUBLIC = [key for key in OPTIONS if not key.startswith("_")]
ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| (?P<default>[^|]*) \|", re.MULTILINE)


def documented_options() -> dict[str, str]:
    """Option name to its default cell, from the table of docs/options.md."""
    text = (TEMPLATE_DIR / "docs/options.md").read_text("utf-8")
    rows = [(match["name"], match["default"].strip()) for match in ROW.finditer(text)]
    names = [name for name, _ in rows]
    assert len(names) == len(set(names)), f"an option is documented twice: {names}"
    return dict(rows)


def test_every_option_is_documented_and_nothing_else():
    documented = documented_options()
    assert sorted(set(PUBLIC) - set(documented)) == [], "options missing from docs/options.md"
    assert sorted(set(documented) - set(PUBLIC)) == [], "docs/options.md documents no such option"
    assert list(documented) == PUBLIC, "docs/options.md lists the options in another order"


@pytest.mark.parametrize("name", PUBLIC)
def test_a_literal_default_is_the_documented_one(name):
    default = OPTIONS[name]
    default = default[0] if isinstance(default, list) else default
    if "{{" in default:
        return  # derived from another answer: the docs say from which
    assert documented_options()[name].startswith(f"`{default}`")


def test_every_question_has_a_prompt():
    assert sorted(OPTIONS["__prompts__"]) == sorted(PUBLIC)


def markdown_files():
    return [TEMPLATE_DIR / "README.md", *sorted((TEMPLATE_DIR / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", markdown_files(), ids=lambda page: page.name)
def test_relative_links_resolve(page):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
        if "://" not in target:
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_docs_page_is_linked_from_the_readme():
    readme = (TEMPLATE_DIR / "README.md").read_text("utf-8")
    for page in sorted((TEMPLATE_DIR / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in readme, f"README.md does not link docs/{page.name}"
