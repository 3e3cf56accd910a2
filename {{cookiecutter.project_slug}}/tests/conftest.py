"""Shared paths and helpers: composing configs and running workflow scripts like a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

from flyteadmin import serving

ROOT = Path(__file__).resolve().parents[1]
CONF_DIR = ROOT / "conf"
WORKFLOWS_DIR = ROOT / "src" / "{{ cookiecutter.package_name }}" / "workflows"
PRIMARY_CONFIGS = sorted(path.stem for path in CONF_DIR.glob("*.yaml"))
GROUP_OPTIONS = sorted(
    (group.name, option.stem)
    for group in CONF_DIR.iterdir()
    if group.is_dir() and group.name != "hydra"
    for option in group.glob("*.yaml")
)
# Small data keeps workflow runs fast; every data option has these keys.
SMALL_DATA = ["data.n_samples=80"]


def compose_config(name: str, overrides=(), hydra: bool = False) -> DictConfig:
    """Compose a primary config the way ``@hydra.main`` would."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name=name, overrides=list(overrides), return_hydra_config=hydra)


def job_config(name: str, overrides=()) -> dict:
    """A job's config as the launcher binds it to ``cfg``: composed, resolved, plain."""
    return OmegaConf.to_container(compose_config(name, overrides), resolve=True)


def decoded(literal, python_type: type = DictConfig):
    """A Flyte literal protobuf (``flyteidl.core.literals_pb2.Literal``) as a Python value."""
    value = TypeEngine.to_python_value(
        FlyteContextManager.current_context(), Literal.from_flyte_idl(literal), python_type
    )
    return OmegaConf.to_container(value) if isinstance(value, DictConfig) else value


def run_workflow_script(
    workflow: str, *args: str, home: Path, cwd: Path, succeed: bool = True, path: str | None = None
) -> str:
    """Run ``python <workflow>.py args`` in a fresh process whose Flyte cache lives under ``home``.

    Returns the combined output; fails the test with that output unless the run succeeds (or,
    with ``succeed=False``, fails). ``path`` replaces the PATH the script sees.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    env["HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT / "tests")  # for test-only Hydra callbacks
    if path is not None:
        env["PATH"] = path
    result = subprocess.run(
        [sys.executable, str(WORKFLOWS_DIR / f"{workflow}.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeed, output
    return output


@pytest.fixture
def flyteadmin():
    """A stand-in flyteadmin on 127.0.0.1 recording requests (tests/flyteadmin.py)."""
    with serving() as admin:
        yield admin


@pytest.fixture(autouse=True)
def no_task_cache(monkeypatch):
    """In-process runs skip Flyte's cache in ~/.flyte; caching is tested in subprocesses."""
    monkeypatch.setenv("FLYTE_LOCAL_CACHE_ENABLED", "false")
