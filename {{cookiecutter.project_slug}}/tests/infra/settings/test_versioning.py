"""The launch version in temporary projects: no git, no commit, branch, tag, detached, dirty."""

import re
import shutil
import subprocess

import pytest

from infra.errors import LauncherError
from infra.settings.versioning import resolve_version, sanitize

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
OUTPUTS = ("outputs", "multirun")


def git(root, *args: str) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def project(tmp_path):
    """A project folder with one source file and a .gitignore, not yet a repository."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text("DEGREE = 3\n")
    (tmp_path / ".gitignore").write_text("dist/\n")
    return tmp_path


@pytest.fixture
def repo(project):
    """The project committed on branch ``main``."""
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first")
    return project


def version(root, domain="development", **options) -> str:
    return resolve_version(None, root, domain, ignored=OUTPUTS, **options)


def sha(root) -> str:
    return git(root, "rev-parse", "--short=8", "HEAD").strip()


def test_without_git_the_version_hashes_the_source(project):
    first = version(project)
    assert re.fullmatch(r"tree-[0-9a-f]{12}", first)
    (project / "outputs").mkdir()
    (project / "outputs" / "log.txt").write_text("run")
    (project / ".venv").mkdir()
    (project / ".venv" / "x.py").write_text("")
    assert version(project) == first
    (project / "src" / "model.py").write_text("DEGREE = 2\n")
    assert version(project) != first


def test_a_repository_without_commits_hashes_the_source(project):
    git(project, "init", "-q")
    assert version(project).startswith("tree-")


def test_a_missing_git_hashes_the_source(project, monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert version(project).startswith("tree-")


def test_a_clean_branch_gives_branch_and_sha(repo):
    assert version(repo) == f"main-{sha(repo)}"


def test_branch_names_are_sanitized_for_image_tags(repo):
    git(repo, "checkout", "-q", "-b", "feature/new+model")
    assert version(repo) == f"feature-new-model-{sha(repo)}"
    assert sanitize("..weird//name..") == "weird-name"


def test_a_tag_on_head_names_the_version(repo):
    git(repo, "tag", "v1.2.0")
    assert version(repo) == f"v1.2.0-{sha(repo)}"


def test_a_detached_head_without_tag(repo):
    (repo / "src" / "model.py").write_text("DEGREE = 4\n")
    git(repo, "commit", "-q", "-am", "second")
    git(repo, "checkout", "-q", "HEAD~1")
    assert version(repo) == f"detached-{sha(repo)}"


def test_changes_and_new_files_make_it_dirty(repo):
    (repo / "src" / "new.py").write_text("")
    assert version(repo) == f"main-{sha(repo)}-dirty"
    (repo / "src" / "new.py").unlink()
    (repo / "src" / "model.py").write_text("DEGREE = 1\n")
    assert version(repo) == f"main-{sha(repo)}-dirty"


def test_hydra_outputs_and_ignored_files_do_not_make_it_dirty(repo):
    for folder in ("outputs", "multirun", "dist"):
        (repo / folder).mkdir()
        (repo / folder / "x.txt").write_text("")
    assert version(repo) == f"main-{sha(repo)}"


def test_a_dirty_tree_is_refused_outside_development_unless_forced(repo):
    (repo / "src" / "model.py").write_text("DEGREE = 1\n")
    with pytest.raises(LauncherError, match="uncommitted changes.*'production'.*force=true"):
        version(repo, "production")
    assert version(repo, "production", force=True).endswith("-dirty")
    assert version(repo, "development").endswith("-dirty")


def test_random_suffix_only_in_development(repo):
    suffixed = version(repo, random_suffix=True)
    assert suffixed.startswith(f"main-{sha(repo)}-")
    assert re.fullmatch("[0-9a-f]+", suffixed.rpartition("-")[2])
    with pytest.raises(LauncherError, match="random_suffix is only for the development domain"):
        version(repo, "production", random_suffix=True)


def test_an_explicit_version_wins_and_must_be_a_valid_tag(repo):
    assert resolve_version("v7", repo, "production") == "v7"
    with pytest.raises(LauncherError, match="hydra.launcher.version: must be an image tag"):
        resolve_version("bad/version", repo, "development")
