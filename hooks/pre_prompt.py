"""Refuse a command-line answer outside a choice question's list in one line, before cookiecutter.

``cookiecutter --no-input <template> python_version=3.13`` applies ``key=value`` to
cookiecutter.json before any other hook runs, and a value outside a choice question's list stops
it with a ValueError traceback. This hook runs first: it reads the answers the command line gives
(the arguments of the cookiecutter process that started it) and refuses a bad choice as the
pre-gen hook refuses any answer, ``key: must be one of a, b (got 'value')``. Run any other way
(the Python API, cruft, a replay), it finds no such arguments and lets cookiecutter and the
pre-gen hook check the answers. Standard library only: it runs before cookiecutter's own modules
are of any use to it, with cookiecutter's interpreter, in a copy of the template.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ANSWER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)


def parent_arguments(pid_file: Path = Path("/proc/self/stat")) -> list[str]:
    """The arguments of the process that started this one (cookiecutter's), or [] where they
    cannot be read (no /proc: macOS, Windows)."""
    try:
        stat = pid_file.read_text("utf-8")
        parent = stat.rsplit(")", 1)[1].split()[1]  # the field after the (name) and the state
        raw = Path(f"/proc/{parent}/cmdline").read_bytes()
    except (OSError, IndexError, UnicodeDecodeError):
        return []
    return [arg.decode("utf-8", "surrogateescape") for arg in raw.split(b"\0") if arg]


def command_line_answers(arguments: Sequence[str]) -> dict[str, str]:
    """``key=value`` arguments of a ``cookiecutter`` command (its script or ``-m cookiecutter``);
    none for any other program (pytest, cruft) that calls cookiecutter's API."""
    program = [Path(arg).name for arg in arguments[:3]]
    if "cookiecutter" not in program:
        return {}
    start = program.index("cookiecutter") + 1
    matches = (ANSWER.fullmatch(arg) for arg in arguments[start:])
    return {match[1]: match[2] for match in matches if match}


def refusals(options: Mapping[str, object], answers: Mapping[str, str]) -> list[str]:
    """One line per answer outside its question's list (a list question of cookiecutter.json),
    in the questions' order."""
    lines = []
    for key, choices in options.items():
        if key in answers and isinstance(choices, list) and answers[key] not in choices:
            listed = ", ".join(str(choice) for choice in choices)
            lines.append(f"{key}: must be one of {listed} (got {answers[key]!r})")
    return lines


def remove_copy(copy: Path) -> None:
    """Remove cookiecutter's copy of the template, which it leaves behind when this hook fails:
    ``<temp>/cookiecutter<random>/<template>``, and nothing else."""
    folder = copy.resolve().parent
    if folder.name.startswith("cookiecutter") and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    """Print every refusal on stderr; a non-zero exit stops cookiecutter before its traceback."""
    options = json.loads(Path("cookiecutter.json").read_text("utf-8"))  # cwd: the template copy
    errors = refusals(options, command_line_answers(parent_arguments()))
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        remove_copy(Path.cwd())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
