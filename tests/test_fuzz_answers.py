"""Property: any answers either bake a clean project or are refused by the pre-gen hook.

Free text is drawn from wide Unicode with quotes, backslashes, braces, line breaks and Jinja
syntax; names from a wide alphabet, mixed with names shaped like valid ones so that both outcomes
happen often. For every answer set, exactly one of:

- the bake succeeds: every TOML, YAML, JSON and Python file parses or compiles, the answers add
  no problem to what `make lint` checks (ruff, file hygiene) beyond a default bake's, and every
  answer is recorded verbatim;
- the pre-gen hook refuses it: each line it prints names the answer, the rule and the value, and no
  folder is left behind.

Bakes run in-process with pytest-cookies (five times faster than a subprocess per bake), every
example of a test in its one `cookies` folder, emptied after each example. The examples are
derandomized so every CI run tries the same ones; `FUZZ_EXAMPLES=1000 make test-fast` digs deeper.
The number of bakes tried is printed in the session summary: `fuzzed answers: N bakes (A accepted,
R refused)`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pytest_cookies.plugin import Cookies

from support.baked_files import parse_every_file
from support.baking import baked
from support.fuzz_outcomes import FUZZ_OUTCOMES
from support.template import CHOICES, OPTIONS, pre_gen, validate

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# An answer equal to one of these strings is rendered as the template's own Jinja (see
# local_extensions.LiteralAnswers): `{{ cookiecutter.project_name | slugify }}` as an answer
# is the derived default, not text. Nobody types that; the property leaves it out.
TEMPLATE_STRINGS = {value for value in OPTIONS.values() if isinstance(value, str) and "{" in value}
RUFF = Path(sys.executable).with_name("ruff")
RUFF_LINE = re.compile(r"^(.+?):\d+:\d+: (\S+?):? ", re.MULTILINE)
# ``key: rule (got value)``, or for a derived answer
# ``key (derived from name 'value'): rule (got value); pass key=... or change name``.
REFUSAL = re.compile(
    r"(?P<key>[a-z_]+)(?P<derived> \(derived from .+\))?: (?P<rule>must .+) \(got (?P<value>.*)\)"
    r"(?(derived); pass (?P=key)=\.\.\. or change [a-z_]+( or [a-z_]+)*)"
)

JINJA = st.sampled_from(
    ["{{", "}}", "{%", "%}", "{#", "#}", "{% raw %}", "{% endraw %}", "{{ 7*7 }}", "${{ x }}"]
    + ["{{ cookiecutter.project_slug }}", "{{cookiecutter.project_name|slugify}}"]
    + ["${oc.env:HOME}", "${x}", "%(x)s", "{x}"]
)
PUNCTUATION = st.sampled_from(
    list("'\"\\{}[]()<>:#&*!|`~$%@^=+,;?/. -_") + ["'''", '"""', "\\u0041", "\\n", "\\", "\\\\"]
)
BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\t", "\0", "\x7f", "\x85", "\u2028", "\ufeff"])
ANY_CHARACTERS = st.characters(exclude_categories=())  # controls and lone surrogates too
PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
# Free text that a user could mean: any script, quotes, backslashes, braces, Jinja.
LINE_TEXT = st.lists(JINJA | PUNCTUATION | PRINTABLE, max_size=8).map("".join)
# Free text that may break a file: line breaks, control characters, surrogates as well.
WILD_TEXT = st.lists(
    JINJA | PUNCTUATION | BREAKS | st.text(ANY_CHARACTERS, max_size=8), max_size=8
).map("".join)
# Names as users type them: valid but for an occasional keyword, module or device name.
NAMES = {
    "project_slug": r"[a-z0-9]{1,12}([._-][a-z0-9]{1,12}){0,3}",
    "package_name": r"[a-z_][a-z0-9_]{0,20}",
    "author_email": r"[a-z0-9]{1,8}([.+_-][a-z0-9]{1,8})?@([a-z0-9]{1,10}\.){1,2}[a-z]{2,6}",
    "flyte_project": r"[a-z]([a-z0-9-]{0,20}[a-z0-9])?",
    "flyte_domain": r"[a-z]([a-z0-9-]{0,20}[a-z0-9])?",
    "flyte_endpoint": r"[a-z]{1,10}(\.[a-z0-9]{1,10}){0,2}:[1-9][0-9]{0,3}|\[::1\]:[1-9][0-9]{1,3}",
    "image_registry": r"[a-z]{1,10}(\.[a-z0-9]{1,9}){0,2}(:[1-9][0-9]{0,3})?(/[a-z0-9]{1,9}){0,2}",
}
# Names that are nearly right: too long, doubled separators, ports out of range, a bad label.
NEAR_NAMES = {
    "project_slug": r"[a-z0-9._-]{1,110}",
    "package_name": r"[a-z_][a-z0-9_]{30,45}",
    "author_email": r"[a-z0-9.+_-]{0,8}@([a-z0-9-]{0,10}\.){1,2}[a-z0-9]{1,6}",
    "flyte_project": r"[a-z0-9-]{1,3}|[a-z][a-z0-9-]{60,70}",
    "flyte_domain": r"[a-z0-9-]{1,3}",
    "flyte_endpoint": r"[a-z0-9._-]{1,10}:[0-9]{1,6}",
    "image_registry": r"[a-z0-9.-]{1,10}(:[0-9]{1,6})?(/[a-z0-9._-]{0,12}){0,2}",
}
WIDE_NAME = st.text(st.sampled_from("abcxyz019-_.:/@[]\\") | ANY_CHARACTERS, max_size=40)
# Choices: a value outside the list is refused by cookiecutter itself, before any hook runs.
CHOICE_ANSWERS = {key: st.sampled_from(choices) for key, choices in CHOICES.items()}
FREE_TEXT_KEYS = ("project_name", "description", "author_name")


def answers(free_text: st.SearchStrategy[str], names: dict) -> st.SearchStrategy[dict]:
    """Answer sets that give any subset of the answers; the others keep their defaults."""
    optional = {key: free_text for key in FREE_TEXT_KEYS} | names | CHOICE_ANSWERS
    return st.fixed_dictionaries({}, optional=optional)


# Half the answer sets are what users type (mostly accepted), half anything at all (mostly refused).
ANSWERS = answers(LINE_TEXT, {key: st.from_regex(NAMES[key], fullmatch=True) for key in NAMES}) | (
    answers(
        WILD_TEXT,
        {key: WIDE_NAME | st.from_regex(NEAR_NAMES[key], fullmatch=True) for key in NEAR_NAMES},
    )
)


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Send file descriptor 2 (where the hook process writes) to ``path``."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with path.open("wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def bake(cookies: Cookies, answers: dict, stderr: Path) -> Path | None:
    """Bake with pytest-cookies; the project, or None if the pre-gen hook refused the answers.

    The hook's messages (its process writes to file descriptor 2) go to ``stderr``. Any other
    failure (cookiecutter's own, or the rendering of an answer) fails the test.
    """
    logger = logging.getLogger("cookiecutter")  # it logs the hook's failure: not the hook's output
    level, logger.level = logger.level, logging.CRITICAL
    try:
        with stderr_to(stderr):
            result = cookies.bake(extra_context=answers)
    finally:
        logger.setLevel(level)
    if isinstance(result.exception, FailedHookException):
        return None
    return baked(result)


def leftovers(folder: Path) -> list[Path]:
    """What bakes left in pytest-cookies' ``folder`` besides their empty output folders
    (``bakeNN``): a refused bake must leave nothing, there or anywhere else."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and re.fullmatch(r"bake[0-9]+", path.name):
            found += sorted(path.iterdir())
        else:
            found.append(path)
    return found


def lint_problems(project: Path, package: str) -> frozenset[str]:
    """What `make lint` finds that answers can cause: ruff (names change line lengths and import
    order) and file hygiene. ``path: rule`` without line numbers, the package name masked."""
    found = set()
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [str(RUFF), *command, "--no-cache", "--output-format=concise", "."],
            cwd=project,
            capture_output=True,
            text=True,
        )
        found |= {f"{m[1]}: {m[2]}" for m in RUFF_LINE.finditer(result.stdout)}
        assert result.returncode == 0 or found, result.stdout + result.stderr
    spec = importlib.util.spec_from_file_location("check_files", project / "tools/check_files.py")
    assert spec is not None and spec.loader is not None
    check_files = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_files)
    found |= {
        re.sub(r"^([^:]+)(:\d+)?: .* \((\S+)\)$", r"\1: \3", line)
        for line in check_files.problems(project)
    }
    masked = re.compile(rf"^(src/|hydra_plugins/){re.escape(package)}(?=/|_launcher/)")
    return frozenset(masked.sub(r"\1<package>", problem) for problem in found)


@pytest.fixture(scope="session")
def default_lint_problems(cookies_session: Cookies) -> Callable[[str], frozenset[str]]:
    """The lint problems of a bake with the default names, by python_version: the template's,
    not the answers'."""

    @functools.cache
    def problems(python_version: str) -> frozenset[str]:
        project = baked(cookies_session.bake(extra_context={"python_version": python_version}))
        return lint_problems(project, "demand_forecast")

    return problems


def check_accepted(
    project: Path, answers: dict, default_lint_problems: Callable[[str], frozenset[str]]
) -> None:
    parse_every_file(project)
    recorded = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    problems = lint_problems(project, recorded["package_name"])
    assert problems <= default_lint_problems(recorded["python_version"]), problems
    assert {key: recorded[key] for key in answers} == answers
    assert validate(recorded) == []
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert pyproject["description"] == recorded["description"]
    assert pyproject["authors"] == [
        {"name": recorded["author_name"], "email": recorded["author_email"]}
    ]


def check_refused(folder: Path, stderr: str) -> list[str]:
    """Check the refusal (``folder``: the bakes' folder); return the answers it names."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "the bake failed without a message"
    keys = []
    for line in lines:
        refusal = REFUSAL.fullmatch(line)
        assert refusal and refusal["key"] in pre_gen().CHECKS, f"not a refusal: {line!r}"
        keys.append(refusal["key"])
    assert leftovers(folder) == []
    return keys


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # `cookies` serves every example on purpose: its folder is emptied after each one.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(answers=ANSWERS)
def test_any_answers_bake_a_clean_project_or_are_refused_by_the_hook(
    answers, cookies, tmp_path, default_lint_problems
):
    assume(not TEMPLATE_STRINGS.intersection(answers.values()))
    folder, stderr = tmp_path / "cookies", tmp_path / "stderr.txt"
    try:
        project = bake(cookies, answers, stderr)
        if project is None:
            FUZZ_OUTCOMES["refused"] += 1
            for key in check_refused(folder, stderr.read_text("utf-8", "replace")):
                FUZZ_OUTCOMES[f"refused {key}"] += 1
        else:
            FUZZ_OUTCOMES["accepted"] += 1
            assert project.parent.parent == folder
            check_accepted(project, answers, default_lint_problems)
    finally:
        for path in folder.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


@pytest.mark.parametrize(
    "slug", ["a/b", "../escaped", "<absolute>", "", ".", "..", "a\0b", "\udc80", "x" * 300]
)
def test_a_slug_that_cannot_name_a_folder_is_refused_and_creates_none(slug, cookies, tmp_path):
    """cookiecutter creates the project folder before the pre-gen hook runs: such a slug must
    still reach the hook (see local_extensions.one_new_folder) and leave nothing anywhere."""
    slug = slug.replace("<absolute>", str(tmp_path / "absolute"))
    stderr = tmp_path / "stderr.txt"
    assert bake(cookies, {"project_slug": slug}, stderr) is None
    errors = stderr.read_text("utf-8", "replace")
    check_refused(tmp_path / "cookies", errors)
    assert errors.startswith("project_slug: must"), errors
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cookies", "stderr.txt"]
    assert [path.name for path in (tmp_path / "cookies").iterdir()] == ["bake00"]
