"""`make lint` and .pre-commit-config.yaml run the same checks; the hygiene checks find problems."""

import importlib.util
import re
import subprocess
import sys

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from support.project import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli, the same parser
    import tomli as tomllib

# The command of `make lint` that does what each pre-commit hook does.
HOOK_COMMANDS = {
    "ruff-check": "ruff check",
    "ruff-format": "ruff format --check",
    "hadolint": "hadolint",
    "mypy": "mypy",
}
HYGIENE_COMMAND = "tools/check_files.py"  # one command for all the checks it names
# The PyPI package of the tool that a versioned hook repository runs.
HOOK_PACKAGES = {"https://github.com/astral-sh/ruff-pre-commit": "ruff"}


def load_check_files():
    spec = importlib.util.spec_from_file_location("check_files", ROOT / HYGIENE_COMMAND)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pre_commit_repos() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))["repos"]


def hook_ids() -> list[str]:
    return [hook["id"] for repo in pre_commit_repos() for hook in repo["hooks"]]


def lint_recipe() -> list[str]:
    """The commands of the Makefile's `lint` target, without `$(BIN)/`."""
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no lint target"
    return [line.strip().replace("$(BIN)/", "") for line in recipe[1].splitlines()]


def test_every_pre_commit_hook_has_its_command_in_make_lint():
    recipe = lint_recipe()
    hygiene = set(load_check_files().CHECKS)
    for hook_id in hook_ids():
        command = HYGIENE_COMMAND if hook_id in hygiene else HOOK_COMMANDS.get(hook_id)
        assert command, f"pre-commit hook {hook_id!r}: no `make lint` command is known for it"
        assert any(command in line for line in recipe), f"`make lint` lacks {command!r} ({hook_id})"


def test_every_make_lint_command_has_its_pre_commit_hook():
    ids = set(hook_ids())
    hooks_of = {command: {hook_id} for hook_id, command in HOOK_COMMANDS.items()}
    hooks_of[HYGIENE_COMMAND] = set(load_check_files().CHECKS)
    for line in lint_recipe():
        matches = [hooks for command, hooks in hooks_of.items() if command in line]
        assert matches, f"`make lint` runs {line!r}, which matches no pre-commit hook"
        assert matches[0] <= ids, f"`make lint` runs {line!r}; pre-commit lacks {matches[0] - ids}"


def test_pre_commit_accepts_the_config():
    pytest.importorskip("pre_commit")  # a dev dependency; validating needs no network
    command = [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hygiene_checks_are_the_pre_commit_hygiene_hooks():
    (repo,) = [repo for repo in pre_commit_repos() if repo["repo"].endswith("/pre-commit-hooks")]
    assert [hook["id"] for hook in repo["hooks"]] == list(load_check_files().CHECKS)


def test_hook_versions_are_within_the_dev_group():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    requirements = [Requirement(line) for line in pyproject["dependency-groups"]["dev"]]
    ranges = {requirement.name: requirement.specifier for requirement in requirements}
    versions = {}
    for repo in pre_commit_repos():
        if repo["repo"] in HOOK_PACKAGES:
            versions[HOOK_PACKAGES[repo["repo"]]] = repo["rev"].removeprefix("v")
        for hook in repo["hooks"]:
            for dependency in hook.get("additional_dependencies", []):
                name, _, version = dependency.partition("==")
                versions[name] = version
    assert "ruff" in versions
    for name, version in versions.items():
        if name in ranges:
            assert ranges[name].contains(Version(version)), (
                f"{name} {version} not in {ranges[name]}"
            )


def test_hygiene_checks_report_each_problem(tmp_path):
    (tmp_path / "spaces.md").write_bytes(b"fine\ntrailing  \n")
    (tmp_path / "no_newline.py").write_bytes(b"x = 1")
    (tmp_path / "blank_end.txt").write_bytes(b"x\n\n")
    (tmp_path / "bad.yaml").write_bytes(b"a: [1\n")
    (tmp_path / "bad.toml").write_bytes(b"a =\n")
    (tmp_path / "big.bin").write_bytes(b"\0" * 600 * 1024)
    (tmp_path / "crlf.txt").write_bytes(b"a\r\nb\r\n")
    (tmp_path / ".gitignore").write_text("ignored/\n*.log\n")
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored/x.yaml").write_bytes(b"a: [1\n")
    (tmp_path / "run.log").write_bytes(b"x  ")
    found = load_check_files().problems(tmp_path)
    where_and_hook = [(line.split(": ", 1)[0], line.rsplit(" (", 1)[1]) for line in found]
    assert where_and_hook == [
        ("bad.toml", "check-toml)"),
        ("bad.yaml", "check-yaml)"),
        ("big.bin", "check-added-large-files)"),
        ("blank_end.txt", "end-of-file-fixer)"),
        ("no_newline.py", "end-of-file-fixer)"),
        ("spaces.md:2", "trailing-whitespace)"),
    ], found


def test_the_project_passes_the_hygiene_checks():
    assert load_check_files().problems() == []
