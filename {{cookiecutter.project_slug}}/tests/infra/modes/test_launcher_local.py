"""The launcher's local mode, its shim and its early errors, run like a user would."""

import subprocess
import sys
from pathlib import Path

import pytest
from flytekit import task, workflow
from omegaconf import DictConfig, OmegaConf

from infra.errors import LauncherError
from infra.workflow.binding import bind_inputs
from support.fixture_project import (
    ROOT,
    WORKFLOW_NAMES,
    compose_config,
    fixture_sweep,
    group_sweep,
    run_fixture,
    workflow_of,
)
from support.job_returns import files, shown

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_local_sweep_returns_each_jobs_workflow_outputs(name, tmp_path):
    sweep = group_sweep(name)
    jobs = fixture_sweep(name, *sweep, tmp_path=tmp_path)
    group, _, options = (sweep[0] if sweep else "=").partition("=")
    expected_overrides = [[f"{group}={option}"] for option in options.split(",")] if sweep else [[]]
    assert [job["overrides"] for job in jobs] == expected_overrides
    workflow = workflow_of(name)
    for number, job in enumerate(jobs):
        assert job["status"] == "COMPLETED", job
        config = compose_config(name, job["overrides"], hydra=True)
        outputs = workflow(**bind_inputs(workflow, config, {}))
        assert job["value"] == shown(outputs)
        assert job["files"] == {Path(file.path).name: True for file in files(outputs)}
        assert (tmp_path / "sweep" / str(number) / ".hydra" / "overrides.yaml").is_file()


def sweep_with(launcher: str, name: str, sweep: list[str], tmp_path) -> tuple[int, list[Path]]:
    """A multirun of ``name`` with ``launcher`` (``basic``: Hydra's; else the project's, local
    mode): how many configs Hydra composed during it, and the job folders."""
    folder = tmp_path / launcher
    run_fixture(
        name,
        "-m",
        "hydra/launcher=basic" if launcher == "basic" else "hydra.launcher.mode=local",
        *sweep,
        f"hydra.sweep.dir={folder}",
        "+hydra.callbacks.count._target_=support.compositions.CountCompositions",
        f"+hydra.callbacks.count.path={tmp_path / 'compositions'}",
        cwd=tmp_path,
    )
    jobs = sorted((path for path in folder.iterdir() if path.is_dir()), key=lambda p: int(p.name))
    return int((tmp_path / "compositions").read_text()), jobs


def hydra_node(job: Path, sweep_dir: Path) -> DictConfig:
    """A job's saved ``hydra`` node without what names its launcher or sweep folder."""
    node = OmegaConf.load(job / ".hydra" / "hydra.yaml").hydra
    for parent, key in [
        (node, "launcher"),
        (node.overrides, "hydra"),
        (node.sweep, "dir"),
        (node.job, "id"),
        (node.runtime.choices, "hydra/launcher"),
    ]:
        parent.pop(key)
    node.runtime.output_dir = str(Path(node.runtime.output_dir).relative_to(sweep_dir))
    return node


def test_each_sweep_job_is_composed_once_into_the_config_hydras_launcher_gives_it(tmp_path):
    name = next(name for name in WORKFLOW_NAMES if group_sweep(name))
    sweep = [*group_sweep(name), "+hydra.job.env_set.SEED=${hydra:job.num}"]
    basic_compositions, basic_jobs = sweep_with("basic", name, sweep, tmp_path)
    compositions, jobs = sweep_with("flyte", name, sweep, tmp_path)
    assert len(jobs) == len(basic_jobs) > 1
    assert basic_compositions == 2 * len(jobs)  # Hydra's launcher composes each job again
    assert compositions == len(jobs)
    for number, (job, basic_job) in enumerate(zip(jobs, basic_jobs, strict=True)):
        for saved in (".hydra/config.yaml", ".hydra/overrides.yaml"):
            assert (job / saved).read_text() == (basic_job / saved).read_text()
        assert hydra_node(job, tmp_path / "flyte") == hydra_node(basic_job, tmp_path / "basic")
        saved_job = OmegaConf.load(job / ".hydra" / "hydra.yaml").hydra.job
        assert (saved_job.num, saved_job.id) == (number, f"{name}_{number}")


def test_the_shim_does_not_import_flytekit():
    code = (
        "import sys, importlib, pkgutil, hydra_plugins\n"
        "for module in pkgutil.walk_packages(hydra_plugins.__path__, 'hydra_plugins.'):\n"
        "    importlib.import_module(module.name)\n"
        "assert 'flytekit' not in sys.modules, 'flytekit imported'\n"
        "assert 'infra.launcher' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@task
def shout(text: str) -> str:
    return text.upper()


@workflow
def needs_text(cfg: DictConfig, text: str) -> str:
    return shout(text=text)


def test_an_input_with_no_value_is_named(small_config):
    with pytest.raises(LauncherError, match=r"inputs with no value: \['text'\]"):
        bind_inputs(needs_text, small_config, {})
    assert bind_inputs(needs_text, small_config, {"text": "hi"})["text"] == "hi"
    bound = bind_inputs(needs_text, OmegaConf.merge(small_config, {"text": "top"}), {})
    assert bound["text"] == "top" and bound["cfg"].model.degree == 1
