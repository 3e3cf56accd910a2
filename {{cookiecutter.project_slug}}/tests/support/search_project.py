"""A tiny project of the search tests' own, written into a temporary folder: one workflow with
a number to minimise (``o0``), a FlyteFile output (``o1``), a second objective (``o2``), and a way
to fail or to take its time, so that the
launcher and the Optuna sweeper are tested without the example's code or configs.

``write_search_project(tmp_path)`` writes ``searchwf/`` (package, workflow, ``conf/search.yaml``)
and ``run.py``; ``run_search(tmp_path, overrides)`` runs its search ``python run.py -m
hparams_search=fixture ...`` there, ``run_sweep`` a plain sweep: in the test's process, as
``support.scripts`` runs a workflow file, or with ``process=True`` in a new one. The primary
config takes the launcher, the sweeper and the shared defaults from the project's ``conf/``
through ``hydra.searchpath``.
"""

import os
import sys
from pathlib import Path

from support.fixture_project import CONF_DIR
from support.scripts import ROOT, in_new_process, run_in_new_process, run_in_this_process

WORKFLOW = """
import time
from pathlib import Path

import hydra
from flytekit import task, workflow
from flytekit.types.file import FlyteFile
from omegaconf import DictConfig


@task
def score(x: float, fail_above: float, seconds: float) -> float:
    time.sleep(seconds)
    if x > fail_above:
        raise ValueError(f"x={x} is over fail_above={fail_above}")
    return (x - 0.3) ** 2


@task
def note(x: float) -> FlyteFile:
    path = Path("note.txt")
    path.write_text(f"x={x}")
    return FlyteFile(str(path.resolve()))


@task
def cost(x: float) -> float:
    return 1.0 - x


@workflow
def objective(x: float, fail_above: float, seconds: float) -> tuple[float, FlyteFile, float]:
    return score(x=x, fail_above=fail_above, seconds=seconds), note(x=x), cost(x=x)


@hydra.main(config_path="conf", config_name="search", version_base="1.3")
def main(cfg: DictConfig) -> None:
    print(objective(x=cfg.x, fail_above=cfg.fail_above, seconds=cfg.seconds))
"""

CONFIG = """
defaults:
  - shared: defaults
  - _self_
hydra:
  searchpath: [file://{conf}]
  launcher:
    mode: local
x: 0.5
fail_above: 10.0
seconds: 0.0
"""

SEARCH = """# @package _global_
defaults:
  - override /hydra/sweeper: optuna
hydra:
  launcher:
    optimized_metric: o0
  sweeper:
    study_name: fixture
    n_trials: 4
    n_jobs: 2
    sampler:
      seed: 7
    params:
      x: interval(0.0, 1.0)
"""


def write_search_project(folder: Path) -> Path:
    """Write the project into ``folder``; returns ``folder``."""
    package = folder / "searchwf"
    (package / "conf").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "conf" / "__init__.py").write_text("")  # Hydra reads it as pkg://searchwf.conf
    (package / "wf.py").write_text(WORKFLOW)
    (package / "conf" / "search.yaml").write_text(CONFIG.format(conf=CONF_DIR))
    (package / "conf" / "hparams_search").mkdir()
    (package / "conf" / "hparams_search" / "fixture.yaml").write_text(SEARCH)
    (folder / "run.py").write_text("from searchwf.wf import main\n\nmain()\n")
    return folder


def search_command(folder: Path, *overrides: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a search in ``folder``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(folder), str(ROOT)])
    return [sys.executable, str(folder / "run.py"), "-m", *overrides], env


def run_search(folder: Path, *overrides: str, succeed: bool = True, process: bool = False) -> str:
    """Run the search in ``folder``; its output, checked to succeed (or fail)."""
    return run_sweep(folder, "hparams_search=fixture", *overrides, succeed=succeed, process=process)


def run_sweep(folder: Path, *overrides: str, succeed: bool = True, process: bool = False) -> str:
    """Run a multirun in ``folder``; its output, checked to succeed (or fail)."""
    command, env = search_command(folder, *overrides)
    if in_new_process(process):
        returncode, output = run_in_new_process(Path(command[1]), command[2:], folder, env, 300)
    else:
        # Every search project's package is named searchwf: forget the last one's.
        for name in [name for name in sys.modules if name.partition(".")[0] == "searchwf"]:
            del sys.modules[name]
        returncode, output = run_in_this_process(
            Path(command[1]), command[2:], folder, env, [folder, ROOT]
        )
    assert (returncode == 0) == succeed, output
    return output
