"""Choice questions are numbered menus, and a bad command-line choice is refused in one line.

The interactive bake runs under a pseudo-terminal, as in a user's terminal. The refusal comes from
hooks/pre_prompt.py: cookiecutter would otherwise stop with a ValueError traceback before any
other hook runs (docs/maintaining.md says why a pre-prompt hook is the one place for it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.baking import cookiecutter_command
from support.template import CHOICES, OPTIONS, QUESTIONS
from support.terminal import terminal

# What the user picks in the menus (1-based, as typed); Enter keeps every other default.
PICKED = {"python_version": "3", "example": "2"}


def prompt_of(key: str) -> str:
    prompt = OPTIONS["__prompts__"][key]
    return str(prompt["__prompt__"] if isinstance(prompt, dict) else prompt)


def test_an_interactive_bake_shows_each_choice_as_a_numbered_menu(tmp_path):
    command = cookiecutter_command(tmp_path / "out")
    with terminal(command, tmp_path, dict(os.environ)) as term:
        for number, key in enumerate(QUESTIONS, start=1):
            term.expect(f"[{number}/{len(QUESTIONS)}] {prompt_of(key)}")
            if key in CHOICES:
                labels = OPTIONS["__prompts__"][key]
                menu = " " + " ".join(term.expect("Choose from").split())  # as if never wrapped
                for index, choice in enumerate(CHOICES[key], start=1):
                    assert f" {index} - {labels[choice]} " in menu, (key, menu)
                numbers = "/".join(str(n) for n in range(1, len(CHOICES[key]) + 1))
                term.expect(f"[{numbers}] (1):")
            term.type(PICKED.get(key, ""))
        assert term.finish() == 0, term.transcript
    (project,) = (tmp_path / "out").iterdir()
    answers = json.loads((project / ".cookiecutter.json").read_text("utf-8"))
    picked = {key: CHOICES[key][int(number) - 1] for key, number in PICKED.items()}
    assert (
        {key: answers[key] for key in picked}
        == picked
        == {
            "python_version": "3.12",
            "example": "none",
        }
    )
    assert (project / "conf/pipeline.yaml").is_file()
    assert not (project / "conf/multi_task.yaml").exists()


def refuse(tmp_path: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a bake with its own temporary folder, where cookiecutter copies the template."""
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize("key", sorted(CHOICES))
def test_a_bad_no_input_choice_is_refused_in_one_line_naming_the_question_and_choices(
    key, tmp_path
):
    output_dir = tmp_path / "out"
    result = refuse(tmp_path, [*cookiecutter_command(output_dir, "--no-input"), f"{key}=bad 1"])
    assert result.returncode == 1
    choices = ", ".join(CHOICES[key])
    assert result.stderr.splitlines() == [f"{key}: must be one of {choices} (got 'bad 1')"]
    assert result.stdout.splitlines() == ["Pre-Prompt Hook script failed"]  # cookiecutter's own
    assert "Traceback" not in result.stdout + result.stderr
    assert not any(output_dir.iterdir())  # no project folder
    assert list((tmp_path / "temp").iterdir()) == []  # nor cookiecutter's copy of the template


def test_the_cookiecutter_script_refuses_every_bad_choice_and_takes_good_ones(tmp_path):
    """The installed ``cookiecutter`` command, as users type it: every bad choice in one line
    each; valid choices (and free-text answers) pass the pre-prompt hook untouched."""
    script = str(Path(sys.executable).parent / "cookiecutter")
    command = [script, *cookiecutter_command(tmp_path / "out", "--no-input")[3:]]
    result = refuse(tmp_path, [*command, "python_version=3.13", "license=GPL", "example=none"])
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "license: must be one of MIT, Apache-2.0, BSD-3-Clause, Proprietary (got 'GPL')",
        "python_version: must be one of 3.11, 3.10, 3.12 (got '3.13')",
    ]
    good = subprocess.run(
        [*command, "python_version=3.12", "example=none", "project_name=a=b"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "out/a-b/conf/pipeline.yaml").is_file()
