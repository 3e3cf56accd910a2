"""Finish the generated project: keep only the chosen CI pipeline, record the answers.

Every step is idempotent (running the hook again changes nothing), so a re-bake over an existing
project, cruft's update or a second run of this script is safe.
"""

from __future__ import annotations

import json
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


def public_answers(context: dict) -> dict:
    """The user's answers: cookiecutter's own keys (``_template``, ``_output_dir``...) vary
    from machine to machine and say nothing about the project."""
    return {key: context[key] for key in sorted(context) if not key.startswith("_")}


def write_answers(answers: dict, path: Path = ANSWERS_FILE) -> None:
    """Write the answers as stable, human-readable UTF-8 JSON."""
    text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    path.write_bytes(text.encode("utf-8"))


def remove_other_ci(provider: str, root: Path = Path(".")) -> None:
    """Delete the pipelines of the providers not chosen, and the folders they leave empty."""
    for name, paths in CI_FILES.items():
        if name == provider:
            continue
        for path in paths:
            (root / path).unlink(missing_ok=True)
            for folder in path.parents[:-1]:  # .github/workflows, then .github; never root
                if (root / folder).is_dir() and not any((root / folder).iterdir()):
                    (root / folder).rmdir()


if __name__ == "__main__":
    context = json.loads(ANSWERS_JSON)
    remove_other_ci(context["ci_provider"])
    write_answers(public_answers(context))
