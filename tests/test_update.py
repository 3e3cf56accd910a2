"""Updatable projects: cruft creates a project from a local checkout and updates it cleanly.

The template is copied into a temporary git repository (its working tree as one commit), so the
tests see exactly what would be committed. Commits need an identity, which CI machines lack:
GIT_ENV gives one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.baked_files import expected_files, files_of
from support.baking import baked, run_replay
from support.git import GIT_ENV
from support.template import TEMPLATE_DIR, template_files

ENV = {**os.environ, **GIT_ENV}
CRUFT = [sys.executable, "-m", "cruft"]


def run(command: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"
    return result


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], repo).stdout.strip()


def commit_working_tree(repo: Path, message: str) -> str:
    """Replace ``repo``'s files with the template's working tree and commit; return the sha."""
    for name in git(repo, "ls-files", "-z").split("\0"):
        if name:
            (repo / name).unlink(missing_ok=True)
    for name in template_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_DIR / name, repo / name)
    return commit_all(repo, message)


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    """A git repository holding the template's working tree as its one commit."""
    repo = tmp_path / "template"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit_working_tree(repo, "template")
    return repo


def cruft_create(repo: Path, output: Path, *args: str) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    run([*CRUFT, "create", "--no-input", "--output-dir", str(output), *args, str(repo)], output)
    (project,) = output.iterdir()
    return project


def commit_project(project: Path) -> None:
    """Keep the project in git like a user would: cruft merges updates three-way there."""
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "baked")


def contents(project: Path) -> dict[str, bytes]:
    """Every file of a project but git's and cruft's own."""
    return {
        name: (project / name).read_bytes()
        for name in files_of(project)
        if not name.startswith(".git/") and name != ".cruft.json"
    }


def change_the_template(repo: Path) -> str:
    """A newer template: an edited file, a new file using answers, a removed file; commit it."""
    root = repo / "{{cookiecutter.project_slug}}"
    readme = root / "README.md"
    readme.write_text(readme.read_text("utf-8") + "\n## Changelog\n\nNew in this version.\n")
    (root / "docs").mkdir()
    (root / "docs/notes.md").write_text("# Notes on {{ cookiecutter.project_name }}\n", "utf-8")
    (root / "conf/model/linear.yaml").unlink()
    return commit_all(repo, "a newer template")


def test_cruft_create_from_a_local_checkout(template_repo, tmp_path, cookies):
    project = cruft_create(template_repo, tmp_path / "created")
    assert files_of(project) == expected_files() | {".cruft.json"}
    state = json.loads((project / ".cruft.json").read_text("utf-8"))
    assert state["template"] == str(template_repo)
    assert state["commit"] == git(template_repo, "rev-parse", "HEAD")
    answers = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    recorded = state["context"]["cookiecutter"]
    assert answers == {key: value for key, value in recorded.items() if not key.startswith("_")}
    assert contents(project) == contents(baked(cookies.bake()))  # the same as cookiecutter's bake
    run([*CRUFT, "check"], project)


def test_cruft_update_from_an_older_commit_applies_cleanly(template_repo, tmp_path):
    older = git(template_repo, "rev-parse", "HEAD")
    project = cruft_create(template_repo, tmp_path / "created", "--checkout", older)
    commit_project(project)
    newer = change_the_template(template_repo)
    assert run([*CRUFT, "check"], project, check=False).returncode != 0

    run([*CRUFT, "update", "--skip-apply-ask", "--checkout", "main"], project)

    assert not list(project.rglob("*.rej")), "the update left conflicts"
    state = json.loads((project / ".cruft.json").read_text("utf-8"))
    assert state["commit"] == newer
    fresh = cruft_create(template_repo, tmp_path / "fresh")
    assert contents(project) == contents(fresh)
    assert (project / "docs/notes.md").read_text("utf-8") == "# Notes on Demand Forecast\n"
    run([*CRUFT, "check"], project)


def test_a_plain_cookiecutter_project_can_be_linked_then_updated(template_repo, cookies):
    """A project baked with cookiecutter records its answers in .cookiecutter.json: enough for
    `cruft link` to adopt it (docs/updating.md)."""
    older = git(template_repo, "rev-parse", "HEAD")
    answers = {"project_name": "Churn Model", "ci_provider": "gitlab"}
    project = baked(cookies.bake(extra_context=answers))
    recorded = (project / ".cookiecutter.json").read_text("utf-8")
    link = ["link", "--no-input", "--checkout", older, "--extra-context", recorded]
    run([*CRUFT, *link, str(template_repo)], project)
    commit_project(project)
    change_the_template(template_repo)

    run([*CRUFT, "update", "--skip-apply-ask", "--checkout", "main"], project)

    assert not list(project.rglob("*.rej"))
    assert (project / "docs/notes.md").read_text("utf-8") == "# Notes on Churn Model\n"
    assert not (project / "conf/model/linear.yaml").exists()
    assert (project / ".gitlab-ci.yml").is_file() and not (project / ".github").exists()


def oldest_bakeable_commit(repo: Path) -> str | None:
    """The first commit whose template can be baked (cookiecutter.json and its extensions)."""
    for sha in git(repo, "rev-list", "--reverse", "HEAD").split():
        names = set(git(repo, "ls-tree", "-r", "--name-only", sha).split("\n"))
        if "cookiecutter.json" in names and "local_extensions.py" in names:
            return sha
    return None


@pytest.mark.slow
def test_cruft_update_from_the_first_commit_of_this_template(tmp_path):
    """The real history: a project baked from the template's first bakeable commit takes the
    working tree (committed on top) without conflicts and ends up as a fresh bake of it."""
    shallow = run(["git", "rev-parse", "--is-shallow-repository"], TEMPLATE_DIR, check=False)
    if shallow.stdout.strip() != "false":
        pytest.skip("the template is not a complete git clone")
    repo = tmp_path / "template"
    run(["git", "clone", "-q", str(TEMPLATE_DIR), str(repo)], tmp_path)
    oldest = oldest_bakeable_commit(repo)
    if oldest is None:
        pytest.skip("the template has no bakeable commit yet")
    newest = commit_working_tree(repo, "working tree")
    for ci_provider in ("github", "none"):
        output = tmp_path / ci_provider
        extra = ["--extra-context", json.dumps({"ci_provider": ci_provider})]
        project = cruft_create(repo, output / "old", "--checkout", oldest, *extra)
        commit_project(project)
        run([*CRUFT, "update", "--skip-apply-ask", "--checkout", newest], project)
        assert not list(project.rglob("*.rej")), "the update left conflicts"
        fresh = cruft_create(repo, output / "fresh", "--checkout", newest, *extra)
        assert contents(project) == contents(fresh)


@pytest.mark.parametrize("ci_provider", ["github", "gitlab", "none"])
def test_a_rebake_over_the_project_with_its_recorded_answers_changes_nothing(cookies, ci_provider):
    """The hooks run again over an existing project (cookiecutter --replay-file with the
    answers of .cookiecutter.json, --overwrite-if-exists, from the command line as
    docs/updating.md says): every file comes out the same."""
    answers = {"project_name": "Émile's {{ x }}", "ci_provider": ci_provider}
    project = baked(cookies.bake(extra_context=answers))
    before = contents(project)
    recorded = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    result = run_replay(project.parent, recorded, "--overwrite-if-exists")
    assert result.returncode == 0, result.stdout + result.stderr
    assert contents(project) == before
