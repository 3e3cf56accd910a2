"""Finish the generated project: keep only the chosen CI pipeline and example, record the answers.

Every step is idempotent (running the hook again changes nothing), so a re-bake over an existing
project, cruft's update or a second run of this script is safe. A file that was there before the
bake is never removed (the pre-gen hook records them).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import tempfile
from pathlib import Path

# cookiecutter renders this file with Jinja; tojson escapes ', so no answer can end the string.
ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''  # fmt: skip
ANSWERS_FILE = Path(".cookiecutter.json")  # the hook runs in the generated project's folder
# Each provider's pipeline. The template holds all of them and this hook removes the others.
# File names that render to nothing would skip the files, but not their folders (an empty
# .github/workflows/ would stay), and they put Jinja into paths that tools and readers walk:
# one list here says plainly which file belongs to which provider.
CI_FILES = {
    "github": [Path(".github/workflows/ci.yml"), Path(".github/dependabot.yml")],
    "gitlab": [Path(".gitlab-ci.yml")],
}


def example_paths(context: dict, example: str, root: Path = Path(".")) -> list[Path]:
    """The files and folders of ``example`` (cookiecutter.json's ``_example_files``: one list,
    also shown by the README), in ``root``, ``<package>`` and globs resolved."""
    patterns = context["_example_files"][example]
    names = [pattern.replace("<package>", context["package_name"]) for pattern in patterns]
    return sorted({path.relative_to(root) for name in names for path in root.glob(name)})


def remove_other_examples(
    context: dict, root: Path = Path("."), keep: set[Path] | None = None
) -> None:
    """Delete the files of the examples not chosen (``example=none``: the polynomial example's;
    else the skeleton's), except what ``keep`` names (what was there before the bake). ``keep``
    None: nothing is known to be this bake's, so nothing is deleted."""
    if keep is None:
        return
    for example in context["_example_files"]:
        if example == context["example"]:
            continue
        for path in example_paths(context, example, root):
            if path in keep:
                continue
            if (root / path).is_dir():
                shutil.rmtree(root / path)
            else:
                (root / path).unlink(missing_ok=True)


def public_answers(context: dict) -> dict:
    """The user's answers: cookiecutter's own keys (``_template``, ``_output_dir``...) vary
    from machine to machine and say nothing about the project."""
    return {key: context[key] for key in sorted(context) if not key.startswith("_")}


def write_answers(answers: dict, path: Path = ANSWERS_FILE) -> None:
    """Write the answers as stable, human-readable UTF-8 JSON."""
    text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    path.write_bytes(text.encode("utf-8"))


def existing_record(project: Path) -> Path:
    """Where the pre-gen hook recorded the CI files ``project`` had before the bake (the same
    function as in hooks/pre_gen_project.py)."""
    digest = hashlib.sha256(str(project.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hydra-flyte-template-{digest}.json"


def existing_before_bake(project: Path = Path(".")) -> set[Path] | None:
    """The CI files and folders ``project`` held before this bake; None if nothing was recorded
    (the hook run on its own), and the record is removed once read."""
    record = existing_record(project)
    try:
        names = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    record.unlink(missing_ok=True)
    return {Path(name) for name in names}


def remove_other_ci(provider: str, root: Path = Path("."), keep: set[Path] | None = None) -> None:
    """Delete the pipelines of the providers not chosen, and the folders they leave empty, except
    what ``keep`` names (what was there before the bake). ``keep`` None: nothing is known to be
    this bake's, so nothing is deleted."""
    if keep is None:
        return
    for name, paths in CI_FILES.items():
        if name == provider:
            continue
        for path in paths:
            if path in keep:
                continue
            (root / path).unlink(missing_ok=True)
            for folder in path.parents[:-1]:  # .github/workflows, then .github; never root
                if folder in keep or not (root / folder).is_dir() or any((root / folder).iterdir()):
                    break
                (root / folder).rmdir()


def folder_to_cd(project: Path, output_dir: object, shell_dir: str | None) -> str:
    """The project folder as the user types it after ``cd``: its name when cookiecutter wrote
    into the shell's current folder (``shell_dir``, the shell's $PWD), else its absolute path."""
    same = False
    if isinstance(output_dir, str) and shell_dir:
        try:
            same = os.path.samefile(output_dir, shell_dir)
        except OSError:
            same = False
    return shlex.quote(project.name if same else str(project.resolve()))


def next_steps(project: Path, output_dir: object, shell_dir: str | None) -> str:
    """What to type after a bake, in three lines."""
    return (
        f"Created {project.resolve()}. Next:\n"
        f"  cd {folder_to_cd(project, output_dir, shell_dir)} && make install && make run\n"
        "`make help` lists every target; README.md walks through them.\n"
    )


if __name__ == "__main__":
    context = json.loads(ANSWERS_JSON)
    existing = existing_before_bake()
    remove_other_ci(context["ci_provider"], keep=existing)
    remove_other_examples(context, keep=existing)
    write_answers(public_answers(context))
    print(next_steps(Path.cwd(), context.get("_output_dir"), os.environ.get("PWD")), end="")
