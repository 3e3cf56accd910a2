"""Experiments and debugging configs (conf/experiment/, conf/debug/): each composes with every
workflow it is meant for and runs, and the command at the top of each file runs as written."""

import re
import shlex

import pytest
from omegaconf import DictConfig, OmegaConf

from infra.workflow.binding import bind_inputs
from support.project import (
    ADDED_CONFIGS,
    CONF_DIR,
    ROOT,
    WORKFLOW_NAMES,
    WORKFLOWS_DIR,
    applies_to,
    cases_or_skip,
    compose_config,
    workflow_of,
)
from support.scripts import run_workflow_script

# `#   .venv/bin/python src/<package>/workflows/<workflow>.py <overrides>`, in a file's first lines.
COMMAND = re.compile(r"^#\s+(\.venv/bin/python (\S+) (.*))$", re.MULTILINE)
NONE = "no experiment or debug configs"
COMBINATIONS = cases_or_skip(
    [
        (group, option, name)
        for group, option in ADDED_CONFIGS
        for name in applies_to(group, option)
    ],
    NONE,
    arity=3,
)


def commands_of(group: str, option: str) -> list[tuple[str, str, list[str]]]:
    """The run commands in the file's comment: (command, workflow file, arguments)."""
    text = (CONF_DIR / group / f"{option}.yaml").read_text()
    return [(line, path, shlex.split(args)) for line, path, args in COMMAND.findall(text)]


def values(config: DictConfig, prefix: str = "") -> dict[str, object]:
    """The leaves of ``config`` by dotted key."""
    leaves = {}
    for key, value in config.items():
        if isinstance(value, DictConfig):
            leaves |= values(value, f"{prefix}{key}.")
        else:
            leaves[f"{prefix}{key}"] = value
    return leaves


def fitting(name: str) -> list[str]:
    """The experiments (options of conf/experiment/) meant for the workflow ``name``."""
    experiments = [option for group, option in ADDED_CONFIGS if group == "experiment"]
    return [option for option in experiments if name in applies_to("experiment", option)]


# The workflow that most experiments fit, for a sweep over them (it takes two).
SWEPT = max(WORKFLOW_NAMES, key=lambda name: len(fitting(name)))
SWEEPS = cases_or_skip([SWEPT] * (len(fitting(SWEPT)) > 1), "no workflow fits two experiments")


@pytest.mark.parametrize(("group", "option"), cases_or_skip(ADDED_CONFIGS, NONE, arity=2))
def test_each_experiment_and_debug_config_applies_somewhere(group, option):
    assert applies_to(group, option), f"conf/{group}/{option}.yaml fits no workflow"


@pytest.mark.parametrize(("group", "option", "name"), COMBINATIONS)
def test_it_composes_with_the_workflow_and_runs(group, option, name):
    added = OmegaConf.load(CONF_DIR / group / f"{option}.yaml")
    config = compose_config(name, [f"+{group}={option}"], hydra=True)
    for entry in added.get("defaults", []):
        for key, choice in entry.items():
            group_key = key.removeprefix("override /")
            taken = config.hydra.runtime.choices[group_key]
            assert taken == choice, f"{group}/{option} sets {group_key}={choice}; {name}: {taken}"
    own = OmegaConf.masked_copy(added, [key for key in added if key not in ("defaults", "hydra")])
    for key, value in values(own).items():
        assert OmegaConf.select(config, key) == value, f"{group}/{option}: {key}"
    assert OmegaConf.missing_keys(compose_config(name, [f"+{group}={option}"])) == set()
    workflow = workflow_of(name)
    workflow(**bind_inputs(workflow, config, {}))


@pytest.mark.slow
@pytest.mark.parametrize(("group", "option"), cases_or_skip(ADDED_CONFIGS, NONE, arity=2))
def test_the_command_at_the_top_of_the_file_runs_as_written(group, option, tmp_path):
    (command,) = commands_of(group, option)  # one per file: the one a user copies
    line, path, arguments = command
    assert (ROOT / path).parent == WORKFLOWS_DIR, f"{line}: not a workflow file of this project"
    assert f"+{group}={option}" in arguments, f"{line}: does not add conf/{group}/{option}.yaml"
    output = run_workflow_script((ROOT / path).stem, *arguments, cwd=tmp_path)
    (log,) = (tmp_path / "outputs").glob(f"**/{(ROOT / path).stem}.log")
    assert f"+{group}={option}" in (log.parent / ".hydra" / "overrides.yaml").read_text(), output


def readme_commands() -> list[str]:
    """The commands of the README's Experiments section that add a config this project has."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Experiments") :] if "## Experiments" in readme else ""
    shown = re.findall(r"^(\.venv/bin/python .*)$", section.split("\n## ", 1)[0], re.MULTILINE)
    added = {f"+{group}={option}" for group, option in ADDED_CONFIGS}
    return [line for line in shown if added & set(shlex.split(line))]


@pytest.mark.parametrize("line", cases_or_skip(readme_commands(), "no Experiments commands"))
def test_the_readme_shows_the_files_own_commands(line):
    commands = {
        command for group, option in ADDED_CONFIGS for command, _, _ in commands_of(group, option)
    }
    assert line in commands, "the README's Experiments commands are the configs' own (tested here)"


@pytest.mark.slow
@pytest.mark.parametrize("name", SWEEPS)
def test_a_local_sweep_runs_one_job_per_experiment(name, tmp_path):
    run_workflow_script(
        name,
        "-m",
        "hydra.launcher.mode=local",
        f"+experiment={','.join(fitting(name))}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=tmp_path,
    )
    for number, option in enumerate(fitting(name)):
        overrides = (tmp_path / "sweep" / str(number) / ".hydra" / "overrides.yaml").read_text()
        assert f"+experiment={option}" in overrides
