"""Property: any answers either bake a clean project or are refused by the pre-gen hook.

Free text is drawn from wide Unicode with quotes, backslashes, braces, line breaks and Jinja
syntax; names from a wide alphabet, mixed with names shaped like valid ones so that both outcomes
happen often. For every answer set, exactly one of:

- the bake succeeds: every TOML, YAML, JSON and Python file parses or compiles, the answers add
  no problem to what `make lint` checks (ruff, file hygiene) beyond a default bake's, and every
  answer is recorded verbatim;
- the pre-gen hook refuses it: each line it prints names the answer, the rule and the value, and no
  folder is left behind.

Bakes run in-process (five times faster than a subprocess per bake). The examples are derandomized
so every CI run tries the same ones; `FUZZ_EXAMPLES=1000 make test-fast` digs deeper. The number of
bakes tried is printed in the session summary: `fuzzed answers: N bakes (A accepted, R refused)`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import FUZZ_OUTCOMES, TEMPLATE_DIR, pre_gen

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
OPTIONS = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text("utf-8"))
# An answer equal to one of these strings is rendered as the template's own Jinja (see
# local_extensions.LiteralAnswers): `{{ cookiecutter.project_name | slugify }}` as an answer
# is the derived default, not text. Nobody types that; the property leaves it out.
TEMPLATE_STRINGS = {value for value in OPTIONS.values() if isinstance(value, str) and "{" in value}
RUFF = Path(sys.executable).with_name("ruff")
RUFF_LINE = re.compile(r"^(.+?):\d+:\d+: (\S+?):? ", re.MULTILINE)
REFUSAL = re.compile(r"(?P<key>[a-z_]+): (?P<rule>must .+) \(got (?P<value>.*)\)")

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
CHOICES = {key: st.sampled_from(OPTIONS[key]) for key in ("python_version", "ci_provider")}
FREE_TEXT_KEYS = ("project_name", "description", "author_name")


def answers(free_text: st.SearchStrategy[str], names: dict) -> st.SearchStrategy[dict]:
    """Answer sets that give any subset of the answers; the others keep their defaults."""
    optional = {key: free_text for key in FREE_TEXT_KEYS} | names | CHOICES
    return st.fixed_dictionaries({}, optional=optional)


# Half the answer sets are what users type (mostly accepted), half anything at all (mostly refused).
ANSWERS = answers(LINE_TEXT, {key: st.from_regex(NAMES[key], fullmatch=True) for key in NAMES}) | (
    answers(
        WILD_TEXT,
        {key: WIDE_NAME | st.from_regex(NEAR_NAMES[key], fullmatch=True) for key in NEAR_NAMES},
    )
)


@contextlib.contextmanager
def stderr_to(path: Path):
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


def bake_in_process(workdir: Path, answers: dict) -> tuple[Path | None, str]:
    """Bake into ``workdir / "out"``; return the project (None if a hook refused) and stderr."""
    config = workdir / "config.yaml"
    dirs = {"cookiecutters_dir": str(workdir / "cc"), "replay_dir": str(workdir / "replay")}
    config.write_text(json.dumps(dirs))
    errors = workdir / "stderr.txt"
    logger = logging.getLogger("cookiecutter")  # it logs the hook's failure: not the hook's output
    level, logger.level = logger.level, logging.CRITICAL
    with stderr_to(errors):
        try:
            project = cookiecutter(
                str(TEMPLATE_DIR),
                no_input=True,
                extra_context=answers,
                output_dir=str(workdir / "out"),
                config_file=str(config),
            )
        except FailedHookException:
            project = None
        finally:
            logger.setLevel(level)
    return (None if project is None else Path(project)), errors.read_text("utf-8", "replace")


def parse_every_file(project: Path) -> None:
    for path in sorted(project.rglob("*")):
        if not path.is_file() or path.suffix not in {".toml", ".yaml", ".yml", ".json", ".py"}:
            continue
        text = path.read_text("utf-8")
        if path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in {".yaml", ".yml"}:
            yaml.safe_load(text)
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".py":
            compile(text, str(path), "exec")


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
    check_files = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_files)
    found |= {
        re.sub(r"^([^:]+)(:\d+)?: .* \((\S+)\)$", r"\1: \3", line)
        for line in check_files.problems(project)
    }
    masked = re.compile(rf"^(src/|hydra_plugins/){re.escape(package)}(?=/|_launcher/)")
    return frozenset(masked.sub(r"\1<package>", problem) for problem in found)


@functools.cache
def default_lint_problems(python_version: str) -> frozenset[str]:
    """The lint problems of a bake with the default names: the template's, not the answers'."""
    with tempfile.TemporaryDirectory() as workdir:
        project, stderr = bake_in_process(Path(workdir), {"python_version": python_version})
        assert project, stderr
        return lint_problems(project, "demand_forecast")


def check_accepted(project: Path, answers: dict) -> None:
    parse_every_file(project)
    recorded = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    problems = lint_problems(project, recorded["package_name"])
    assert problems <= default_lint_problems(recorded["python_version"]), problems
    assert {key: recorded[key] for key in answers} == answers
    assert pre_gen().validate(recorded) == []
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert pyproject["description"] == recorded["description"]
    assert pyproject["authors"] == [
        {"name": recorded["author_name"], "email": recorded["author_email"]}
    ]


def check_refused(output: Path, stderr: str) -> list[str]:
    """Check the refusal; return the answers it names."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "the bake failed without a message"
    keys = []
    for line in lines:
        refusal = REFUSAL.fullmatch(line)
        assert refusal and refusal["key"] in pre_gen().CHECKS, f"not a refusal: {line!r}"
        keys.append(refusal["key"])
    assert not output.exists() or list(output.iterdir()) == []
    return keys


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(answers=ANSWERS)
def test_any_answers_bake_a_clean_project_or_are_refused_by_the_hook(answers, tmp_path_factory):
    assume(not TEMPLATE_STRINGS.intersection(answers.values()))
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as workdir:
        project, stderr = bake_in_process(Path(workdir), answers)
        if project is None:
            FUZZ_OUTCOMES["refused"] += 1
            for key in check_refused(Path(workdir) / "out", stderr):
                FUZZ_OUTCOMES[f"refused {key}"] += 1
        else:
            FUZZ_OUTCOMES["accepted"] += 1
            assert project.parent == Path(workdir) / "out"
            check_accepted(project, answers)


@pytest.mark.parametrize(
    "slug", ["a/b", "../escaped", "<absolute>", "", ".", "..", "a\0b", "\udc80", "x" * 300]
)
def test_a_slug_that_cannot_name_a_folder_is_refused_and_creates_none(slug, tmp_path):
    """cookiecutter creates the project folder before the pre-gen hook runs: such a slug must
    still reach the hook (see local_extensions.one_new_folder) and leave nothing anywhere."""
    slug = slug.replace("<absolute>", str(tmp_path / "absolute"))
    project, stderr = bake_in_process(tmp_path, {"project_slug": slug})
    assert project is None
    check_refused(tmp_path / "out", stderr)
    assert stderr.startswith("project_slug: must"), stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "config.yaml",
        "out",
        "replay",
        "stderr.txt",
    ]
