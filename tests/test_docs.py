"""The docs agree with the template: every option documented, every link resolves."""

from __future__ import annotations

import re

import pytest

from support.docs import documented_options
from support.template import CHOICES, DEFAULTS, QUESTIONS, TEMPLATE_DIR


def test_every_option_is_documented_and_nothing_else():
    documented = documented_options()
    assert sorted(set(QUESTIONS) - set(documented)) == [], "options missing from docs/options.md"
    assert sorted(set(documented) - set(QUESTIONS)) == [], (
        "docs/options.md documents no such option"
    )
    assert list(documented) == QUESTIONS, "docs/options.md lists the options in another order"


@pytest.mark.parametrize("name", QUESTIONS)
def test_a_literal_default_is_the_documented_one(name):
    default = DEFAULTS[name]
    if "{{" in default:
        return  # derived from another answer: the docs say from which
    assert documented_options()[name]["default"].startswith(f"`{default}`")


@pytest.mark.parametrize("name", list(CHOICES))
def test_a_choice_questions_rule_names_every_choice(name):
    rule = documented_options()[name]["rule"]
    assert rule == "one of " + ", ".join(f"`{choice}`" for choice in CHOICES[name]), rule


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
