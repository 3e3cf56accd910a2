"""Answers: invalid ones are refused clearly (derived ones as derived), free text survives
verbatim, filters escape right."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tomllib

import jinja2
import pytest
import yaml
from cookiecutter.utils import create_env_with_context
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from support.answers import VALID
from support.baked_files import parse_every_file
from support.baking import baked, run_cookiecutter, run_interactive, run_replay
from support.template import CHOICES, OPTIONS, QUESTIONS, TEMPLATE_DIR, pre_gen, validate

FREE_TEXTS = [
    'Émile\'s "Demand" Forecast: v2',
    "{{ 7*7 }}",
    "{% raw %}{{ x }}{% endraw %} {# c #}",
    "C:\\new\\table\\ \"\\\" \\u0041 ''' \\",
    "key: value # not a comment, - [x](y) *z* _w_ <b> &amp; |t| ${oc.env:HOME} `c`",
    "Ünïcödé ☃ 日本語 🚀 👩‍👩‍👧 (ZWJ) a\u00a0b",
]
# One line of text the hook must take: any character but controls, line breaks and surrogates,
# the bidi controls that hide text, and Unicode's noncharacters (U+FDD0..U+FDEF, U+xFFFE/F).
SHOWN_CHARACTERS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")).filter(
    lambda char: (
        char not in pre_gen().BIDI_CONTROLS
        and not 0xFDD0 <= ord(char) <= 0xFDEF
        and ord(char) & 0xFFFE != 0xFFFE
    )
)
LINE = st.text(SHOWN_CHARACTERS, max_size=200)
JINJA_TEXT = st.lists(
    st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "raw", "endraw", "'", '"', "\\", "\n"])
    | st.text(st.characters(exclude_categories=())),  # lone surrogates included
).map("".join)


@functools.cache
def template_env() -> jinja2.Environment:
    """The Jinja environment cookiecutter builds for this template (extensions by name)."""
    if str(TEMPLATE_DIR) not in sys.path:
        sys.path.append(str(TEMPLATE_DIR))  # cookiecutter does the same
    environment: jinja2.Environment = create_env_with_context({"cookiecutter": OPTIONS})
    return environment


def markdown_title(markdown: str) -> str:
    """The plain text of the first heading; fails if anything in it is not plain text."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)
    heading = next(i for i, token in enumerate(tokens) if token.type == "heading_open")
    children = tokens[heading + 1].children or []
    assert {child.type for child in children} <= {"text"}, children
    return "".join(child.content for child in children)


# Filters ------------------------------------------------------------------------------------


@given(st.text())
def test_escape_toml_round_trips_through_tomllib(text):
    literal = template_env().filters["escape_toml"](text)
    assert "\n" not in literal
    assert tomllib.loads(f"x = {literal}\n") == {"x": text}


def test_escape_toml_refuses_lone_surrogates():
    with pytest.raises(ValueError, match="surrogate"):
        template_env().filters["escape_toml"]("\ud800")


@given(st.text(st.characters(exclude_categories=())))
def test_escape_yaml_round_trips_through_pyyaml(text):
    scalar = template_env().filters["escape_yaml"](text)
    assert "\n" not in scalar
    assert yaml.safe_load(scalar) == text
    assert yaml.safe_load(f"key: {scalar}  # comment\nnext: 1\n") == {"key": text, "next": 1}


MARKDOWN_TEXT = st.lists(
    st.sampled_from(["#", "##", "*", "_", "-", "+", "=", ">", "<b>", "1.", "2)", "&amp;", "&#9;"])
    | st.sampled_from(["[", "](", ")", "`", "~~", "|", "\\", "!", " ", "  ", ".", ":", "'", '"'])
    | st.sampled_from(["x", "é", "{", "}", "www.x.org", "http://x", "$", "&", ";"]),
    max_size=12,
).map("".join)


@functools.cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM tables and ~~strikethrough~~."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_inline(markdown: str) -> list[Token]:
    """The children of the last inline token of ``markdown``."""
    tokens = markdown_parser().parse(markdown)
    return [token for token in tokens if token.type == "inline"][-1].children or []


def unescape_markdown(markdown: str) -> str:
    """``markdown`` without its backslash escapes (a backslash before ASCII punctuation)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@settings(deadline=None)  # four renderings per example: slow on a busy machine
@given(LINE | MARKDOWN_TEXT)
def test_escape_markdown_renders_as_the_literal_text(text):
    assume(text.strip())
    escaped = template_env().filters["escape_markdown"](text)
    for markdown in (f"# {escaped}", f"{escaped}", f"paragraph\n{escaped}", f"- {escaped}"):
        assert markdown_title(f"# x\n{markdown}") == "x"  # nothing leaks into the heading
        children = markdown_inline(markdown)
        assert {child.type for child in children} <= {"text", "softbreak"}
        assert children[-1].content.strip() == text.strip()


@given(LINE | MARKDOWN_TEXT)
def test_escape_markdown_only_adds_backslash_escapes(text):
    escaped = template_env().filters["escape_markdown"](text)
    assert unescape_markdown(escaped) == text.strip(" \t")
    assert len(escaped) - len(text.strip(" \t")) == escaped.count("\\") - text.count("\\")


@pytest.mark.parametrize(
    "text",
    [
        'Émile\'s "Demand" Forecast: v2',
        "A Hydra-configured Flyte pipeline.",
        "Costs (approx.) {x}: $5 - $10 per run! AT&T, R&D; 2.5 GHz",
        "C# is #1, 3.11+ only; a-b = c; x > y? no: x - y.",
        "2024 A year. R&D; &nbsp &copy",
        "Ünïcödé ☃ 日本語 🚀 👩‍👩‍👧 a\u00a0b",
    ],
)
def test_escape_markdown_keeps_ordinary_text_as_typed(text):
    assert template_env().filters["escape_markdown"](text) == text.replace(">", r"\>")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("*a* & <b> [c](d) _e_", r"\*a\* & \<b\> \[c\](d) \_e\_"),
        ("`c` a|b ~~s~~ C:\\x", r"\`c\` a\|b \~\~s\~\~ C:\\x"),
        ("&amp; &#169; &#x1F600; & &;", r"\&amp; \&#169; \&#x1F600; & &;"),
        ("# Title", r"\# Title"),
        ("## x ##", r"\## x \##"),
        ("+ a", r"\+ a"),
        ("- a", r"\- a"),
        ("---", r"\---"),
        ("===", r"\==="),
        ("> quote", r"\> quote"),
        ("~~~", r"\~\~\~"),
        ("1. first", r"1\. first"),
        ("12) twelfth", r"12\) twelfth"),
        ("1.", r"1\."),
        ("2024. A year", r"2024\. A year"),
        ("1.5 a - b + c = d", "1.5 a - b + c = d"),
        ("  \t padded \t ", "padded"),
    ],
)
def test_escape_markdown_escapes_only_what_opens_markup(text, escaped):
    assert template_env().filters["escape_markdown"](text) == escaped


@pytest.mark.parametrize("text", ["*x*", "_x_", "[a](b)", "<b>", "`c`", "~~s~~", "&amp;", "# h"])
def test_escape_markdown_output_is_no_markup(text):
    escaped = template_env().filters["escape_markdown"](text)
    children = markdown_inline(escaped)
    assert [(child.type, child.content) for child in children] == [("text", text)]


# LiteralAnswers -----------------------------------------------------------------------------


@given(JINJA_TEXT)
def test_literal_answers_render_any_answer_verbatim(text):
    assert template_env().from_string(text).render(cookiecutter=VALID) == text


@pytest.mark.parametrize("text", [*FREE_TEXTS, "{% endraw %}", "{{ cycler.__init__ }}", "a\r\nb"])
def test_literal_answers_examples(text):
    assert template_env().from_string(text).render(cookiecutter=VALID) == text


def test_template_strings_stay_jinja():
    render = template_env().from_string
    assert render(OPTIONS["project_slug"]).render(cookiecutter=VALID) == "demand-forecast"
    assert render("{{cookiecutter.project_slug}}").render(cookiecutter=VALID) == "demand-forecast"
    for hook in (TEMPLATE_DIR / "hooks").glob("*_gen_project.py"):  # pre_prompt.py: not rendered
        rendered = render(hook.read_text("utf-8")).render(cookiecutter=VALID)
        assert "{{" not in rendered and json.dumps(VALID["project_name"]) in rendered


def test_template_paths_stay_jinja_under_a_literal_output_folder(tmp_path):
    root = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
    path = next(p.relative_to(root) for p in sorted(root.rglob("*")) if "{{" in p.name)
    output = tmp_path / "{{ 7*7 }}" / "demand-forecast"
    output.mkdir(parents=True)
    rendered = template_env().from_string(f"{output}/{path}").render(cookiecutter=VALID)
    expected = jinja2.Environment().from_string(str(path)).render(cookiecutter=VALID)
    assert rendered == f"{output}/{expected}"


# pre_gen_project: rules -----------------------------------------------------------------------


def test_valid_answers_pass():
    assert validate(VALID) == []


INVALID = [
    ("package_name", "class", "must not be a Python keyword"),
    ("package_name", "hydra", "must not shadow a dependency"),
    ("package_name", "infra", "must not shadow a dependency"),
    ("package_name", "typing", "must not shadow a standard-library module"),
    ("package_name", "json", "must not shadow a standard-library module"),
    ("package_name", "my-pkg", "must be a valid Python identifier"),
    ("package_name", "MyPkg", "must be lowercase ASCII"),
    ("package_name", "données", "must be lowercase ASCII"),
    ("project_slug", "my slug", "must be a PEP 508 distribution name"),
    ("project_slug", "-slug", "must be a PEP 508 distribution name"),
    ("project_slug", "My-Slug", "must be lowercase"),
    ("project_slug", "a._b", "must be a valid image name"),
    ("project_slug", "con", "reserved Windows device name"),
    ("project_slug", "a" * 101, "must be at most 100 characters"),
    ("package_name", "a" * 41, "must be at most 40 characters"),
    ("author_email", "nope", "must be an email address"),
    ("author_email", "a b@example.com", "must be an email address"),
    ("author_email", "a@localhost", "must be an email address"),
    ("flyte_endpoint", "https://x:1", "without a scheme: drop 'https://'"),
    ("flyte_endpoint", "dns:///x:1", "without a scheme: drop 'dns:///'"),
    ("flyte_endpoint", "localhost", "must be host:port"),
    ("flyte_endpoint", "::1:80", "must be host:port"),
    ("flyte_endpoint", "999.1.1.1:80", "must be host:port"),
    ("flyte_endpoint", "bad_host:80", "must be host:port"),
    ("flyte_endpoint", "localhost:0", "port number from 1 to 65535"),
    ("flyte_endpoint", "localhost:65536", "port number from 1 to 65535"),
    ("flyte_endpoint", "localhost:http", "port number from 1 to 65535"),
    ("image_registry", "ghcr.io/Org", "must be an image registry"),
    ("image_registry", "ghcr.io/org/app:latest", "without tag or digest"),
    ("image_registry", "ghcr.io/org@sha256:abc", "without tag or digest"),
    ("image_registry", "ghcr.io/org/", "must be an image registry"),
    ("image_registry", "localhost:99999", "must be an image registry"),
    ("image_registry", "https://ghcr.io/org", "without a scheme: drop 'https://'"),
    ("image_registry", "registry", "Docker reads any other first name as a Docker Hub namespace"),
    ("image_registry", "my_org/x", "must be an image registry host with a '.' or a ':port'"),
    ("flyte_project", "1abc", "must be a Flyte id"),
    ("flyte_project", "a_b", "must be a Flyte id"),
    ("flyte_project", "a" * 64, "must be a Flyte id"),
    ("flyte_domain", "Dev", "must be a Flyte id"),
    ("flyte_domain", "dev-", "must be a Flyte id"),
    ("python_version", "3.9", f"must be one of {', '.join(CHOICES['python_version'])}"),
    ("ci_provider", "jenkins", f"must be one of {', '.join(CHOICES['ci_provider'])}"),
    ("project_name", "", "must not be empty"),
    ("project_name", "   ", "must not be empty"),
    ("project_name", "two\nlines", "must be one line of printable text"),
    ("project_name", "tab\there", "must be one line of printable text"),
    ("project_name", "x" * 201, "must be at most 200 characters"),
    ("description", "a\r\nb", "must be one line of printable text"),
    ("description", "bidi \u202egnp.exe", "must be one line of printable text"),
    ("author_name", "del\x7f", "must be one line of printable text"),
    ("author_name", "nul\x00", "must be one line of printable text"),
]


@pytest.mark.parametrize(("key", "value", "rule"), INVALID)
def test_invalid_answer_is_refused_with_rule_and_value(key, value, rule):
    (error,) = validate({**VALID, key: value})
    assert error.startswith(f"{key}: ") and rule in error and error.endswith(f"(got {value!r})")
    assert "\n" not in error


@pytest.mark.parametrize(
    ("key", "value"),
    [("flyte_endpoint", v) for v in ("flyte.example.com:443", "[::1]:8089", "10.0.0.1:81")]
    + [("image_registry", v) for v in ("ghcr.io/my-org", "registry.example.com:5000/a/b__c")]
    + [("image_registry", v) for v in ("[::1]:5000/x", "docker.io/user", "localhost")]
    + [("author_email", v) for v in ("first.last+tag@sub.example.co.uk", "a@xn--80ak6aa92e.com")]
    + [("project_slug", v) for v in ("demo", "my_proj.x", "a-b--c")]
    + [("package_name", v) for v in ("match", "_private", "forecast2")]
    + [("description", "")],
)
def test_valid_answer_is_accepted(key, value):
    assert validate({**VALID, key: value}) == []


@given(LINE)
def test_any_printable_line_is_accepted_as_free_text(text):
    errors = validate({**VALID, "description": text, "author_name": text})
    assert errors == []


def test_every_invalid_answer_is_reported_at_once():
    answers = {**VALID, "package_name": "class", "author_email": "nope", "ci_provider": "x"}
    keys = [error.split(":")[0] for error in validate(answers)]
    assert keys == ["package_name", "author_email", "ci_provider"]


# pre_gen_project: derived answers ---------------------------------------------------------------

# What cookiecutter derives from a project name of "7 7": a slug that passes, names that do not.
SEVEN = {**VALID, "project_name": "7 7", "project_slug": "7-7", "package_name": "7_7"}
SEVEN["flyte_project"] = "7-7"


def before_prompt(**answers: str) -> dict[str, object]:
    """What cookiecutter passes the hook as ``_cookiecutter``: cookiecutter.json's values with
    the answers given before the prompt (``--no-input key=value``) in place of the defaults."""
    return {**{key: OPTIONS[key] for key in QUESTIONS}, **answers}


def derived(key: str, value: str, rule: str, *roots: tuple[str, str]) -> str:
    """The hook's refusal of an answer derived from ``roots`` (name, value)."""
    sources = " and ".join(f"{name} {root!r}" for name, root in roots)
    names = " or ".join(name for name, _ in roots)
    return (
        f"{key} (derived from {sources}): {rule} (got {value!r}); pass {key}=... or change {names}"
    )


def plain(key: str, value: str, rule: str) -> str:
    return f"{key}: {rule} (got {value!r})"


def rule_of(key: str, value: str) -> str:
    """The hook's own rule text for ``value`` (so these tests follow the rules' wording)."""
    rule: str = pre_gen().rules(OPTIONS)[key](value)
    return rule


@pytest.mark.parametrize(
    ("answers", "given", "expected"),
    [
        (  # --no-input project_name="7 7": both names come from it
            SEVEN,
            before_prompt(project_name="7 7"),
            [
                derived(
                    "package_name", "7_7", rule_of("package_name", "7_7"), ("project_name", "7 7")
                ),
                derived(
                    "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_name", "7 7")
                ),
            ],
        ),
        (  # package_name given as well, even as the value it would have had: the user's
            SEVEN,
            before_prompt(project_name="7 7", package_name="7_7"),
            [
                plain("package_name", "7_7", rule_of("package_name", "7_7")),
                derived(
                    "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_name", "7 7")
                ),
            ],
        ),
        (  # the slug given: the names come from it, not from the default project name
            {**SEVEN, "project_name": VALID["project_name"]},
            before_prompt(project_slug="7-7"),
            [
                derived(
                    "package_name", "7_7", rule_of("package_name", "7_7"), ("project_slug", "7-7")
                ),
                derived(
                    "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_slug", "7-7")
                ),
            ],
        ),
        (  # typed at the prompt: not what the default would have been
            {**SEVEN, "package_name": "class"},
            before_prompt(project_name="7 7"),
            [
                plain("package_name", "class", rule_of("package_name", "class")),
                derived(
                    "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_name", "7 7")
                ),
            ],
        ),
        (  # no answers from before the prompt: derivation is told by the value alone
            SEVEN,
            None,
            [
                derived(
                    "package_name", "7_7", rule_of("package_name", "7_7"), ("project_name", "7 7")
                ),
                derived(
                    "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_name", "7 7")
                ),
            ],
        ),
    ],
    ids=["derived", "given", "from-the-slug", "typed", "no-given-answers"],
)
def test_a_refused_derived_answer_names_the_answers_it_came_from(answers, given, expected):
    assert validate(answers, given) == expected


def test_without_the_templates_options_nothing_is_called_derived():
    """cruft passes no ``_repo_dir``: the hook cannot read cookiecutter.json, and says only what
    it knows."""
    errors = pre_gen().validate(SEVEN, None, before_prompt(project_name="7 7"))
    assert errors == [
        plain("package_name", "7_7", rule_of("package_name", "7_7")),
        plain("flyte_project", "7-7", rule_of("flyte_project", "7-7")),
    ]


# pre_gen_project: a user's run ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "line"),
    [
        ({"package_name": "class"}, "package_name: must not be a Python keyword (got 'class')"),
        ({"package_name": "typing"}, "package_name: must not shadow a standard-library module"),
        ({"package_name": "hydra"}, "package_name: must not shadow a dependency"),
        ({"project_slug": "my slug"}, "project_slug: must be a PEP 508 distribution name"),
        ({"author_email": "nope"}, "author_email: must be an email address"),
        ({"flyte_endpoint": "https://x:1"}, "flyte_endpoint: must be host:port without a scheme"),
        ({"flyte_endpoint": "x:70000"}, "flyte_endpoint: must end with a port number"),
        ({"image_registry": "ghcr.io/Org:1"}, "image_registry: must be an image registry"),
        ({"project_name": "two\nlines"}, "project_name: must be one line of printable text"),
    ],
)
def test_cookiecutter_stops_and_leaves_no_folder(tmp_path, answers, line):
    output = tmp_path / "out"
    result = run_cookiecutter(output, **answers)
    assert result.returncode == 1
    value = next(iter(answers.values()))
    assert any(
        error.startswith(line) and error.endswith(f"(got {value!r})")
        for error in result.stderr.splitlines()
    ), result.stderr
    assert list(output.iterdir()) == []


@pytest.mark.parametrize("key", list(CHOICES))
def test_a_choice_outside_the_list_is_refused_in_one_line_on_the_command_line(tmp_path, key):
    """`cookiecutter --no-input <template> python_version=3.13`: the hook's one line, as for any
    other answer, not the ValueError traceback cookiecutter's own check of a list question raises
    before any hook runs."""
    result = run_cookiecutter(tmp_path / "out", **{key: "3.13"})
    assert result.returncode == 1
    rule = f"must be one of {', '.join(CHOICES[key])}"
    assert result.stderr.splitlines() == [f"{key}: {rule} (got '3.13')"], result.stderr
    assert "ValueError" not in result.stdout + result.stderr
    assert list((tmp_path / "out").iterdir()) == []


def test_cookiecutter_reports_every_invalid_answer(tmp_path):
    answers = {"package_name": "class", "author_email": "nope", "flyte_domain": "Dev"}
    result = run_cookiecutter(tmp_path / "out", **answers)
    assert result.returncode == 1
    for key, value in answers.items():
        assert f"(got {value!r})" in result.stderr and f"{key}: must" in result.stderr
    assert list((tmp_path / "out").iterdir()) == []


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.splitlines()


def test_a_derived_name_is_refused_as_derived_on_the_command_line(tmp_path):
    result = run_cookiecutter(tmp_path / "out", project_name="7 7")
    assert result.returncode == 1
    lines = stderr_lines(result)
    for key, value in [("package_name", "7_7"), ("flyte_project", "7-7")]:
        assert derived(key, value, rule_of(key, value), ("project_name", "7 7")) in lines, lines
    assert not any(line.startswith("project_slug") for line in lines), lines  # '7-7' is fine
    assert list((tmp_path / "out").iterdir()) == []


def test_a_name_given_on_the_command_line_is_the_users(tmp_path):
    result = run_cookiecutter(tmp_path / "out", project_name="7 7", package_name="7_7")
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert plain("package_name", "7_7", rule_of("package_name", "7_7")) in lines, lines
    flyte = derived(
        "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_name", "7 7")
    )
    assert flyte in lines, lines


def test_a_name_typed_at_the_prompt_is_the_users(tmp_path):
    """Interactive: the project name typed, the slug's default kept, a package name typed."""
    typed = ["7 7", "", "class"] + [""] * (len(QUESTIONS) - 3)
    result = run_interactive(tmp_path / "out", typed)
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert plain("package_name", "class", rule_of("package_name", "class")) in lines, lines
    flyte = derived(
        "flyte_project", "7-7", rule_of("flyte_project", "7-7"), ("project_name", "7 7")
    )
    assert flyte in lines, lines
    assert list((tmp_path / "out").iterdir()) == []


def test_a_replayed_answer_outside_the_choices_is_refused_by_the_hook(tmp_path):
    """A replay file skips cookiecutter's own check of a choice: the hook's, with the choices it
    reads from cookiecutter.json when it runs, is the one left."""
    result = run_replay(tmp_path / "out", {**VALID, "python_version": "3.9"})
    assert result.returncode == 1
    choices = ", ".join(CHOICES["python_version"])
    assert f"python_version: must be one of {choices} (got '3.9')" in stderr_lines(result)
    assert list((tmp_path / "out").iterdir()) == []


# Free text survives verbatim ------------------------------------------------------------------


@pytest.fixture(scope="module", params=FREE_TEXTS)
def free_text_project(request, cookies_session):
    """One project per free text, used as project name, description and author."""
    text = request.param
    answers = {"project_name": text, "description": text, "author_name": text}
    project = baked(cookies_session.bake(extra_context={**answers, "project_slug": "demo"}))
    return text, project


def test_free_text_is_verbatim(free_text_project):
    text, project = free_text_project
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert pyproject["description"] == text
    assert pyproject["authors"][0]["name"] == text
    assert markdown_title((project / "README.md").read_text("utf-8")) == text.strip()
    answers = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    assert answers["project_name"] == answers["description"] == answers["author_name"] == text


def test_free_text_keeps_generated_files_parseable(free_text_project):
    _, project = free_text_project
    parse_every_file(project)


def test_crafted_answer_runs_no_code(cookies, tmp_path):
    marker = tmp_path / "injected"
    attack = "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}"
    answers = {"project_slug": "demo", "project_name": attack, "description": attack}
    project = baked(cookies.bake(extra_context=answers))
    assert not marker.exists()
    answers = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    assert answers["project_name"] == answers["description"] == attack


# post_gen_project ---------------------------------------------------------------------------


def test_answers_file_holds_the_public_answers(cookies):
    project = baked(cookies.bake())
    text = (project / ".cookiecutter.json").read_text("utf-8")
    assert text == json.dumps(VALID, indent=2, sort_keys=True) + "\n"


def test_post_gen_is_idempotent(tmp_path):
    context = {**VALID, "project_name": "Émile 🚀 {{ x }}", "_template": ".", "_output_dir": "/"}
    source = (TEMPLATE_DIR / "hooks/post_gen_project.py").read_text("utf-8")
    hook = tmp_path / "hook.py"
    hook.write_text(template_env().from_string(source).render(cookiecutter=context), "utf-8")
    outputs = []
    for _ in range(2):
        subprocess.run([sys.executable, hook], cwd=tmp_path, check=True)
        outputs.append((tmp_path / ".cookiecutter.json").read_bytes())
    public = {key: value for key, value in context.items() if not key.startswith("_")}
    expected = json.dumps(public, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert outputs == [expected.encode("utf-8")] * 2
