"""Every supported combination of options (python_version x ci_provider, with the example; and
example=none with each ci_provider) bakes a clean project.

For each: the exact file set, no template markup left, every TOML/YAML/JSON/Python file parses,
ruff (with the project's own config, so its Python target), hadolint and the file hygiene checks of
`make lint` pass, and the CI pipeline is valid YAML that matches its provider's schema and names
the right commands. One combination per option value (slow) runs the baked project's own
`make install lint test-fast` as a user would, with nothing choosing the interpreter for it: the
venv must be on the Python the project names, whatever this machine's python3 is. (The project's
full `make test` runs in tests/test_baked_project.py and, after the README's recipes, in
tests/test_recipes.py.)
"""

from __future__ import annotations

import fnmatch
import itertools
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_cookies.plugin import Cookies

from support import targets
from support.baked_files import (
    CI_FILES,
    EXAMPLE_FILES,
    PIPELINE_FILE,
    expected_files,
    files_of,
    leftover_markup,
    parse_every_file,
)
from support.baking import baked
from support.template import CHOICES, OPTIONS, TEMPLATE_DIR, post_gen, pre_gen

EXAMPLE = CHOICES["example"][0]  # the default, polynomial
COMBINATIONS = [
    *itertools.product(CHOICES["python_version"], CHOICES["ci_provider"], [EXAMPLE]),
    *(
        (CHOICES["python_version"][0], ci, example)
        for ci in CHOICES["ci_provider"]
        for example in CHOICES["example"][1:]
    ),
]
TOOLS = Path(sys.executable).parent  # ruff, hadolint, check-jsonschema of the template's venv
CI_FILE = PIPELINE_FILE
# The providers' own schemas, vendored by check-jsonschema (no network).
CI_SCHEMA = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}
# What every pipeline runs, in this order, and the opt-in job that registers on the cluster.
CI_COMMANDS = ["make install", "make lint", "make test", "make package"]
REGISTER_COMMAND = "make register"
# One run of the project's own targets per option value.
FULL_RUNS = [
    ("3.10", "gitlab", "polynomial"),
    ("3.11", "none", "none"),
    ("3.12", "github", "polynomial"),
]


@pytest.fixture(scope="module", params=COMBINATIONS, ids=lambda c: f"py{c[0]}-{c[1]}-{c[2]}")
def combination(
    request: pytest.FixtureRequest, cookies_session: Cookies
) -> tuple[str, str, str, Path]:
    """A bake of one combination: (python_version, ci_provider, example, project folder)."""
    python_version, ci_provider, example = request.param
    answers = {"python_version": python_version, "ci_provider": ci_provider, "example": example}
    return python_version, ci_provider, example, baked(cookies_session.bake(extra_context=answers))


def run(command: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, **kwargs)


def test_option_values_are_the_hooks_choices():
    """The hook's rule for a choice question is cookiecutter.json's list, read when it runs: it
    takes every choice and refuses anything else, and the questions the hook treats as choices
    are exactly the list questions of cookiecutter.json. A choice added (or a question made a
    choice) in one place and not the other fails here; every value gets a full run below."""
    hook = pre_gen()
    assert {key for key, rule in hook.CHECKS.items() if isinstance(rule, hook.Choice)} == set(
        CHOICES
    )
    rules = hook.rules(hook.read_options({"_repo_dir": str(TEMPLATE_DIR)}))
    for key, choices in CHOICES.items():
        assert [rules[key](value) for value in choices] == [None] * len(choices), key
        for other in ("", "other", choices[0].upper() + " ", *(f"{c}.0" for c in choices)):
            assert rules[key](other) == f"must be one of {', '.join(choices)}", (key, other)
    for index, key in enumerate(("python_version", "ci_provider", "example")):
        assert {run[index] for run in FULL_RUNS} == set(CHOICES[key]), key


def test_the_post_gen_hook_knows_every_ci_providers_files():
    """It deletes the pipelines of the providers not chosen: a provider it does not know would
    keep its files in every other provider's bake."""
    providers = set(post_gen().CI_FILES)
    assert providers == set(CHOICES["ci_provider"]) - {"none"}
    assert providers == {name for name, files in CI_FILES.items() if files}


def test_the_post_gen_hook_removes_the_other_examples_files_as_the_readme_lists_them():
    """One list, cookiecutter.json's ``_example_files``: the hook deletes the other example's
    files by it and the README shows it (tests/test_start_your_own.py follows the README)."""
    files = OPTIONS["_example_files"]
    assert set(files) == set(CHOICES["example"])
    package = "demand_forecast"
    for example, names in files.items():
        listed = {name.replace("<package>", package) for name in names}
        expected = EXAMPLE_FILES[example]
        covered = {
            name
            for name in expected
            if any(
                fnmatch.fnmatch(name, pattern) or name.startswith(pattern + "/")
                for pattern in listed
            )
        }
        assert covered == expected, example


def test_exact_file_set(combination):
    _, ci_provider, example, project = combination
    assert files_of(project) == expected_files(ci_provider, example)


def test_no_template_markup_is_left(combination):
    _, _, _, project = combination
    for name in sorted(files_of(project)):
        assert not leftover_markup((project / name).read_text("utf-8")), name


def test_every_file_parses(combination):
    _, _, _, project = combination
    parse_every_file(project)


def test_ruff_is_clean_for_the_projects_python(combination):
    python_version, _, _, project = combination
    ruff = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["tool"]["ruff"]
    assert ruff["target-version"] == "py" + python_version.replace(".", "")
    for command in (["check"], ["format", "--check"]):
        result = run([str(TOOLS / "ruff"), *command, "--no-cache", "."], project)
        assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_clean(combination):
    python_version, _, _, project = combination
    dockerfile = project / "Dockerfile"
    if not dockerfile.exists():
        pytest.skip("the project has no Dockerfile")
    assert f"python:{python_version}-" in dockerfile.read_text("utf-8")
    result = run([str(TOOLS / "hadolint"), "Dockerfile"], project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_file_names_the_projects_python(combination):
    """`make install`, the package metadata and the image agree (CI: see the pipeline test)."""
    python_version, _, _, project = combination
    assert (project / ".python-version").read_text("utf-8") == f"{python_version}\n"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["requires-python"] == f">={python_version},<3.13"  # flytekit's
    dockerfile = (project / "Dockerfile").read_text("utf-8")
    assert f"ARG BASE_IMAGE=python:{python_version}-slim-bookworm\n" in dockerfile
    assert ".python-version" not in (project / ".dockerignore").read_text("utf-8")  # not in images


def test_file_hygiene_is_clean(combination):
    _, _, _, project = combination
    result = run([sys.executable, "tools/check_files.py"], project)
    assert result.returncode == 0, result.stdout + result.stderr


def ci_commands(ci_provider: str, pipeline: dict) -> dict[str, list[str]]:
    """The shell commands of each job, in order (GitLab's default before_script included)."""
    if ci_provider == "github":
        return {
            name: [step["run"].strip() for step in job["steps"] if "run" in step]
            for name, job in pipeline["jobs"].items()
        }
    before = pipeline.get("default", {}).get("before_script", [])
    return {
        name: [*job.get("before_script", before), *job["script"]]
        for name, job in pipeline.items()
        if isinstance(job, dict) and "script" in job
    }


def test_ci_pipeline_runs_the_right_commands(combination):
    python_version, ci_provider, _, project = combination
    if ci_provider == "none":
        assert not (project / ".github").exists() and not (project / ".gitlab-ci.yml").exists()
        return
    pipeline = yaml.safe_load((project / CI_FILE[ci_provider]).read_text("utf-8"))
    jobs = ci_commands(ci_provider, pipeline)
    commands = [command for job in jobs.values() for command in job]
    for expected in CI_COMMANDS:
        assert any(command.startswith(expected) for command in commands), (expected, jobs)
    register = {name: job for name, job in jobs.items() if any(REGISTER_COMMAND in c for c in job)}
    assert list(register) == ["register"], jobs
    if ci_provider == "github":
        assert jobs["check"] == CI_COMMANDS
        assert pipeline["env"]["PYTHON_VERSION"] == python_version
        job = pipeline["jobs"]["register"]
        assert job["needs"] == "check"
        assert job["if"] == "github.ref == 'refs/heads/main' && vars.FLYTE_REGISTER == 'true'"
        assert "${{ secrets.FLYTE_CLIENT_SECRET }}" in job["env"].values()
    else:
        assert pipeline["default"]["image"] == f"python:{python_version}-bookworm"
        assert [jobs[name][-1] for name in ("lint", "test", "package")] == CI_COMMANDS[1:]
        (rule,) = pipeline["register"]["rules"]
        assert rule["if"] == '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $FLYTE_REGISTER == "true"'


def test_ci_pipeline_matches_the_providers_schema(combination):
    _, ci_provider, _, project = combination
    if ci_provider == "none":
        return
    schema = ["--builtin-schema", CI_SCHEMA[ci_provider], CI_FILE[ci_provider]]
    result = run([str(TOOLS / "check-jsonschema"), *schema], project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_pipeline_names_only_make_targets_that_exist(combination):
    _, ci_provider, _, project = combination
    if ci_provider == "none":
        return
    pipeline = yaml.safe_load((project / CI_FILE[ci_provider]).read_text("utf-8"))
    commands = [c for job in ci_commands(ci_provider, pipeline).values() for c in job]
    named = {target for c in commands for target in re.findall(r"\bmake ([a-z][a-z-]*)", c)}
    makefile = (project / "Makefile").read_text("utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    assert named <= targets, f"the CI file runs missing make targets: {named - targets}"


# The baked project's own commands --------------------------------------------------------------


def python_is_needed(version: str) -> str:
    """The one line `make install` prints when uv can neither find nor download the Python."""
    return (
        f"Python {version} is needed (.python-version) and uv can neither find nor download it:"
        f" install it with 'uv python install {version}', 'pyenv install {version}'"
        f" or your OS's python{version} package"
    )


def make(target: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make <target>` in the project; stdout and stderr as one text, in order."""
    command = [shutil.which("make") or "make", "--no-print-directory", target]
    if target == "test-fast":  # one process: the template's own workers share the cores, and
        command.append("PYTEST_ARGS=-n0")  # only then does pytest count the deselected tests
    return subprocess.run(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )


def user_env(tmp_path: Path) -> dict[str, str]:
    """The user's environment with HOME (Flyte's local cache) moved into ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir()
    return targets.user_env(home)


@pytest.mark.slow
@pytest.mark.parametrize(("python_version", "ci_provider", "example"), FULL_RUNS, ids=lambda v: v)
def test_baked_project_passes_its_own_make_install_lint_and_test_fast(
    python_version, ci_provider, example, cookies, tmp_path
):
    answers = {"python_version": python_version, "ci_provider": ci_provider, "example": example}
    project = baked(cookies.bake(extra_context=answers))
    env = user_env(tmp_path)
    for target in ("install", "lint", "test-fast"):
        result = make(target, project, env)
        if target == "install" and python_is_needed(python_version) in result.stdout:
            pytest.skip(
                f"make install printed its one line, {python_is_needed(python_version)!r}: no"
                f" Python {python_version} on this machine and uv cannot download one here"
            )
        assert result.returncode == 0, f"make {target}:\n{result.stdout}"
    version = run([str(project / ".venv/bin/python"), "--version"], project).stdout
    assert version.startswith(f"Python {python_version}."), version
    assert " passed" in result.stdout and " deselected" in result.stdout  # the slow tests


@pytest.mark.slow
def test_make_install_without_the_projects_python_says_so_in_one_line(cookies, tmp_path):
    """No uv and no such Python on PATH, no downloads: one line, a failure, and no .venv."""
    here = "{}.{}".format(*sys.version_info[:2])  # the python3 on PATH below
    missing = next(version for version in CHOICES["python_version"] if version != here)
    project = baked(cookies.bake(extra_context={"python_version": missing}))
    bin_dir = tmp_path / "bin"  # make, cat and a python3 of another version: nothing else
    bin_dir.mkdir()
    base_python = sys._base_executable  # type: ignore[attr-defined]  # CPython's, not in typeshed
    for name, target in [("make", "make"), ("cat", "cat"), ("python3", base_python)]:
        (bin_dir / name).symlink_to(shutil.which(target))
    env = user_env(tmp_path) | {"PATH": str(bin_dir), "UV_PYTHON_DOWNLOADS": "never"}
    env["UV_PYTHON_INSTALL_DIR"] = str(tmp_path / "uv-pythons")  # none managed by uv either
    result = make("install", project, env)
    assert result.returncode != 0, result.stdout
    *lines, last = result.stdout.splitlines()
    bootstrap = "uv is not on PATH: installing it into .uv/ with pip"
    assert lines == [bootstrap, python_is_needed(missing)]
    assert re.fullmatch(r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: install\] Error 1", last), last
    assert not (project / ".venv").exists()
