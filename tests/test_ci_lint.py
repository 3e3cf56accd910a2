"""The generated CI passes the linters a reviewer would run on it, for every combination of options
(python_version x ci_provider; ci_provider=none bakes no CI file, as tests/test_matrix.py checks):
zizmor (GitHub Actions security audit, offline, its most thorough persona) and actionlint on the
GitHub workflow, the providers' schemas on the GitLab pipeline and Dependabot's configuration.
Each linter is also shown a broken copy and must report it, so a check that stopped looking would
fail here too.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pytest_cookies.plugin import Cookies

from support.baked_files import CI_FILES, PIPELINE_FILE
from support.baking import baked
from support.template import CHOICES, post_gen

COMBINATIONS = list(itertools.product(CHOICES["python_version"], CHOICES["ci_provider"]))
TOOLS = Path(sys.executable).parent  # zizmor, actionlint, check-jsonschema of the template's venv
DEPENDABOT = ".github/dependabot.yml"
# `uses: owner/repo@<40 hex> # vX.Y.Z`: a commit, and the release it is, for readers and Dependabot.
PINNED = re.compile(r"^\s*-?\s*uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$")


GITHUB = [version for version, provider in COMBINATIONS if provider == "github"]
GITLAB = [version for version, provider in COMBINATIONS if provider == "gitlab"]


def bake(cookies: Cookies, python_version: str, ci_provider: str) -> Path:
    answers = {"python_version": python_version, "ci_provider": ci_provider}
    return baked(cookies.bake(extra_context=answers))


@pytest.fixture(scope="module", params=GITHUB, ids=lambda version: f"py{version}")
def github_project(request: pytest.FixtureRequest, cookies_session: Cookies) -> Path:
    """A bake with ci_provider=github, one per python_version."""
    return bake(cookies_session, request.param, "github")


@pytest.fixture(scope="module", params=GITLAB, ids=lambda version: f"py{version}")
def gitlab_project(request: pytest.FixtureRequest, cookies_session: Cookies) -> Path:
    """A bake with ci_provider=gitlab, one per python_version."""
    return bake(cookies_session, request.param, "gitlab")


def run(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(TOOLS / tool), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def zizmor_findings(path: Path) -> list[str]:
    """zizmor's findings of medium severity or above for a workflow file or a .github folder,
    offline, with the auditor persona (which also reports what the default one suppresses)."""
    args = ["--offline", "--persona", "auditor", "--min-severity", "medium", "--format", "json"]
    result = run("zizmor", *args, str(path), cwd=path.parent)
    assert result.returncode in (0, *range(10, 15)), result.stderr  # 10-14: findings, by severity
    return [f"{finding['ident']}: {finding['desc']}" for finding in json.loads(result.stdout)]


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    return run("actionlint", "-no-color", str(workflow), cwd=workflow.parent)


def schema_check(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return run("check-jsonschema", "--builtin-schema", schema, str(path), cwd=path.parent)


def test_the_post_gen_hook_keeps_exactly_each_providers_files():
    kept = {name: {str(path) for path in paths} for name, paths in post_gen().CI_FILES.items()}
    assert kept == {name: files for name, files in CI_FILES.items() if files}


def test_zizmor_finds_nothing(github_project):
    project = github_project
    assert zizmor_findings(project / ".github") == []


def test_actionlint_finds_nothing(github_project):
    project = github_project
    result = actionlint(project / PIPELINE_FILE["github"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_and_checks_out_without_credentials(github_project):
    project = github_project
    text = (project / PIPELINE_FILE["github"]).read_text("utf-8")
    uses = [line for line in text.splitlines() if "uses:" in line]
    assert uses and [line for line in uses if not PINNED.match(line)] == []
    for job in yaml.safe_load(text)["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, job["name"]


def test_the_check_job_caches_uv_by_its_lock_file(github_project):
    project = github_project
    steps = yaml.safe_load((project / PIPELINE_FILE["github"]).read_text("utf-8"))["jobs"]
    (setup_uv,) = [s for s in steps["check"]["steps"] if "astral-sh/setup-uv@" in s.get("uses", "")]
    assert setup_uv["with"]["enable-cache"] is True
    assert setup_uv["with"]["cache-dependency-glob"].split() == ["uv.lock", "pyproject.toml"]


def test_dependabot_updates_the_actions_and_the_uv_lock(github_project):
    project = github_project
    result = schema_check("vendor.dependabot", project / DEPENDABOT)
    assert result.returncode == 0, result.stdout + result.stderr
    updates = yaml.safe_load((project / DEPENDABOT).read_text("utf-8"))["updates"]
    assert sorted(update["package-ecosystem"] for update in updates) == ["github-actions", "uv"]


def test_the_gitlab_pipeline_matches_its_schema_and_caches_uv_by_its_lock_file(gitlab_project):
    project = gitlab_project
    result = schema_check("vendor.gitlab-ci", project / PIPELINE_FILE["gitlab"])
    assert result.returncode == 0, result.stdout + result.stderr
    pipeline = yaml.safe_load((project / PIPELINE_FILE["gitlab"]).read_text("utf-8"))
    assert pipeline["default"]["cache"]["key"]["files"] == ["uv.lock", "pyproject.toml"]
    cache_dir = pipeline["variables"]["UV_CACHE_DIR"]
    assert cache_dir.startswith("$CI_PROJECT_DIR/")  # GitLab caches paths inside the project only
    assert pipeline["default"]["cache"]["paths"] == [cache_dir.removeprefix("$CI_PROJECT_DIR/")]
    text = (project / PIPELINE_FILE["gitlab"]).read_text("utf-8")
    assert '"main"' not in text and "$CI_DEFAULT_BRANCH" in text


# Each check reports a broken file ---------------------------------------------------------------


@pytest.fixture(scope="module")
def default_project(cookies_session: Cookies) -> Path:
    """A default bake (ci_provider=github) for the broken copies."""
    return baked(cookies_session.bake())


def broken_copy(project: Path, tmp_path: Path, name: str, old: str, new: str) -> Path:
    """``project``'s file ``name`` copied under ``tmp_path`` with its first ``old`` made ``new``."""
    text = (project / name).read_text("utf-8")
    assert old in text, (name, old)
    copy = tmp_path / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text.replace(old, new, 1), "utf-8")
    return copy


def test_zizmor_reports_an_unpinned_action(default_project, tmp_path):
    workflow = PIPELINE_FILE["github"]
    pin = re.search(r"actions/checkout@[0-9a-f]{40}", (default_project / workflow).read_text())
    assert pin is not None
    copy = broken_copy(default_project, tmp_path, workflow, pin[0], "actions/checkout@v7")
    assert "unpinned-uses" in {finding.split(":")[0] for finding in zizmor_findings(copy)}


def test_zizmor_reports_a_checkout_that_keeps_its_token(default_project, tmp_path):
    workflow = PIPELINE_FILE["github"]
    old, new = "persist-credentials: false", "fetch-depth: 1"
    copy = broken_copy(default_project, tmp_path, workflow, old, new)
    assert "artipacked" in {finding.split(":")[0] for finding in zizmor_findings(copy)}


def test_actionlint_reports_a_job_that_needs_a_missing_one(default_project, tmp_path):
    workflow = PIPELINE_FILE["github"]
    copy = broken_copy(default_project, tmp_path, workflow, "needs: check", "needs: chek")
    result = actionlint(copy)
    assert result.returncode == 1 and '"chek"' in result.stdout, result.stdout + result.stderr


def test_the_dependabot_schema_refuses_an_unknown_ecosystem(default_project, tmp_path):
    copy = broken_copy(default_project, tmp_path, DEPENDABOT, "ecosystem: uv", "ecosystem: uvv")
    result = schema_check("vendor.dependabot", copy)
    assert result.returncode == 1 and "uvv" in result.stdout, result.stdout + result.stderr


def test_the_gitlab_schema_refuses_an_unknown_when(gitlab_project, tmp_path):
    name = PIPELINE_FILE["gitlab"]
    old, new = "  stage: check\n", "  stage: check\n  when: ok\n"
    copy = broken_copy(gitlab_project, tmp_path, name, old, new)
    result = schema_check("vendor.gitlab-ci", copy)
    assert result.returncode == 1, result.stdout + result.stderr
