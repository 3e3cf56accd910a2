"""The launcher tests' own project (tests/infra/fixture_project/): its workflows, one per flytekit
construct, and its configs. The launcher's tests use it, never the project's src/ or conf/, so a
user may rewrite those freely."""

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

from flytekit.core.base_task import PythonTask
from flytekit.core.workflow import WorkflowBase
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from infra.workflow.discovery import main_workflow, reachable
from support.job_returns import local_sweep
from support.scripts import run_workflow_script

ROOT = Path(__file__).resolve().parents[1] / "infra" / "fixture_project"
CONF_DIR = ROOT / "conf"
SOURCE = ROOT / "src"
PACKAGE = "fixture_flows"
WORKFLOWS_DIR = SOURCE / PACKAGE / "workflows"
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

# The fixture workflows, each named after the construct it uses.
WORKFLOW_NAMES = ["branching", "cached", "dynamic", "files", "mapped"]
WORKFLOW_MODULES: dict[str, ModuleType] = {
    name: importlib.import_module(f"{PACKAGE}.workflows.{name}") for name in WORKFLOW_NAMES
}
# The config group every fixture config selects, and its options.
GROUP, OPTIONS = "size", ["large", "small"]


def workflow_of(name: str) -> WorkflowBase:
    """The main workflow of the fixture workflow file ``name``."""
    return main_workflow(WORKFLOW_MODULES[name])


def tasks_of(name: str) -> list[PythonTask]:
    """Every task the main workflow of ``name`` reaches, in the launcher's order."""
    return [entity for entity in reachable(workflow_of(name)) if isinstance(entity, PythonTask)]


def compose_config(name: str, overrides=(), hydra: bool = False) -> DictConfig:
    """Compose a fixture primary config the way ``@hydra.main`` would."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name=name, overrides=list(overrides), return_hydra_config=hydra)


def groups_of(name: str) -> dict[str, list[str]]:
    """The config groups the fixture config ``name`` selects, each with all its options."""
    return {GROUP: OPTIONS}


def group_sweep(name: str) -> list[str]:
    """A sweep over every option of the fixture configs' group: ``["size=large,small"]``."""
    return [f"{GROUP}={','.join(OPTIONS)}"]


def run_fixture(workflow: str, *args: str, **options) -> str:
    """``python <fixture workflow>.py args`` as ``support.scripts.run_workflow_script`` runs a
    project's workflow file, with the fixture package importable."""
    return run_workflow_script(
        workflow, *args, workflows_dir=WORKFLOWS_DIR, pythonpath=[SOURCE], **options
    )


def package_fixture(name: str, *overrides: str, tmp_path, version: str, **options) -> str:
    """``python <fixture workflow>.py -m hydra.launcher.mode=package overrides`` at ``version``,
    in ``tmp_path``: the package and its manifest in ``dist/``, the sweep in ``sweep/``. Its
    output; ``options`` as ``run_fixture`` takes them."""
    return run_fixture(
        name,
        "-m",
        "hydra.launcher.mode=package",
        f"hydra.launcher.version={version}",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        *overrides,
        cwd=tmp_path,
        **options,
    )


def fixture_package_manifest(name: str, tmp_path, version: str) -> dict:
    """The manifest ``package_fixture`` wrote for ``name`` at ``version``."""
    return json.loads((tmp_path / "dist" / f"{name}-{version}.json").read_text())


def fixture_sweep(name: str, *overrides: str, tmp_path, options: tuple[str, ...] = ()) -> list:
    """``support.job_returns.local_sweep`` of the fixture workflow ``name``."""
    return local_sweep(name, *overrides, tmp_path=tmp_path, options=options, script=run_fixture)
