"""A re-bake over an existing project never deletes a file the bake did not create.

The post-gen hook removes the CI files of the providers not chosen. Re-baking over a project
(`cookiecutter --overwrite-if-exists [--skip-if-file-exists]`, as docs/updating.md shows) must
not take the user's own pipelines with them: the pre-gen hook records what was there, the post-gen
hook leaves it. Run through the real command line, as a user would.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from support.answers import VALID
from support.baked_files import CI_FILES
from support.baking import cookiecutter_command, run
from support.template import post_gen, pre_gen

PROJECT = VALID["project_slug"]
USERS_PIPELINES = {
    ".github/workflows/ci.yml": "# the user's own workflow\non: push\n",
    ".gitlab-ci.yml": "# the user's own pipeline\ntest:\n  script: [make test]\n",
}


def rebake(output_dir: Path, *flags: str, **answers: str) -> subprocess.CompletedProcess[str]:
    """`cookiecutter --no-input <flags> <template> key=value...` into ``output_dir``."""
    command = cookiecutter_command(output_dir, "--no-input", *flags)
    return run([*command, *(f"{key}={value}" for key, value in answers.items())])


def plant(project: Path) -> None:
    for name, text in USERS_PIPELINES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, "utf-8")


def record_of(project: Path) -> Path:
    digest = hashlib.sha256(str(project.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hydra-flyte-template-{digest}.json"


def test_both_hooks_name_the_same_files_and_record():
    removable = {str(path) for paths in post_gen().CI_FILES.values() for path in paths}
    assert set(pre_gen().CI_PATHS) == removable == set().union(*CI_FILES.values())
    here = Path("some/project")
    assert pre_gen().existing_record(here) == post_gen().existing_record(here) == record_of(here)


def test_a_rebake_that_skips_existing_files_keeps_the_users_pipelines(tmp_path):
    output = tmp_path / "out"
    project = output / PROJECT
    project.mkdir(parents=True)
    plant(project)
    flags = ("--overwrite-if-exists", "--skip-if-file-exists")
    result = rebake(output, *flags, ci_provider="none")
    assert result.returncode == 0, result.stderr
    for name, text in USERS_PIPELINES.items():
        assert (project / name).read_text("utf-8") == text, name
    assert not (project / ".github/dependabot.yml").exists()  # this bake's: removed
    assert not record_of(project).exists()


def test_a_rebake_that_overwrites_keeps_every_path_that_was_there(tmp_path):
    """cookiecutter overwrites the user's files with the template's; the hook deletes none."""
    output = tmp_path / "out"
    project = output / PROJECT
    project.mkdir(parents=True)
    plant(project)
    result = rebake(output, "--overwrite-if-exists", ci_provider="none")
    assert result.returncode == 0, result.stderr
    assert all((project / name).is_file() for name in USERS_PIPELINES)
    assert not (project / ".github/dependabot.yml").exists()


def test_a_fresh_bake_still_removes_the_other_providers_files(tmp_path):
    output = tmp_path / "out"
    result = rebake(output, ci_provider="gitlab")
    assert result.returncode == 0, result.stderr
    project = output / PROJECT
    assert (project / ".gitlab-ci.yml").is_file()
    assert not (project / ".github").exists()
    assert not record_of(project).exists()


def test_without_a_record_the_post_gen_hook_deletes_nothing(tmp_path):
    plant(tmp_path)
    post_gen().remove_other_ci("none", tmp_path, keep=None)
    assert all((tmp_path / name).is_file() for name in USERS_PIPELINES)
    post_gen().remove_other_ci("none", tmp_path, keep={Path(".gitlab-ci.yml")})
    assert (tmp_path / ".gitlab-ci.yml").is_file() and not (tmp_path / ".github").exists()
