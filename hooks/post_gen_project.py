"""Record the answers in the generated project.

``.cookiecutter.json`` lets a user (or cruft/cookiecutter replay) re-bake or update the project
with the same answers. Writing it is idempotent: the same answers give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

# cookiecutter renders this file with Jinja; tojson escapes ', so no answer can end the string.
ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''  # fmt: skip
ANSWERS_FILE = Path(".cookiecutter.json")  # the hook runs in the generated project's folder


def public_answers(context: dict) -> dict:
    """The user's answers: cookiecutter's own keys (``_template``, ``_output_dir``...) vary
    from machine to machine and say nothing about the project."""
    return {key: context[key] for key in sorted(context) if not key.startswith("_")}


def write_answers(answers: dict, path: Path = ANSWERS_FILE) -> None:
    """Write the answers as stable, human-readable UTF-8 JSON."""
    text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    path.write_bytes(text.encode("utf-8"))


if __name__ == "__main__":
    write_answers(public_answers(json.loads(ANSWERS_JSON)))
