"""Slow: a clean start, as a user makes one. A bake with ``example=none`` installs, lints, runs,
sweeps and packages; a bake of the example, with the example removed as its README says and a
pipeline of the user's own in its place, runs every Makefile target; and libraries added with the
documented ``make add`` (pandas, scikit-learn) lint and pass a DataFrame between tasks, with uv
put into ``.uv/`` by ``make install`` (none on PATH).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from support.baking import baked
from support.targets import make

pytestmark = pytest.mark.slow

PACKAGE = "demand_forecast"
SEARCH_MISSING = "make search: no search in conf/hparams_search/ (it holds: nothing)"


def executed(output: str) -> list[str]:
    """The tasks that ran: each of these pipelines' tasks logs ``<name>: ...`` when it runs."""
    return re.findall(r"\] - (\w+): ", output)


def jobs(output: str) -> list[str]:
    """The sweep jobs Hydra launched: ``#0 : step=large`` ..."""
    return re.findall(r"#\d+ : (.+)", output)


def write(project: Path, name: str, text: str) -> None:
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_text(textwrap.dedent(text).lstrip())


def test_the_skeleton_bakes_lints_runs_sweeps_and_packages(cookies, tmp_path):
    project = baked(cookies.bake(extra_context={"example": "none"}))
    home = tmp_path / "home"
    home.mkdir()
    make(project, "install", "lint", home=home)
    first = make(project, "run", home=home)
    assert "result: " in first and executed(first) == ["run_step", "result"]
    assert executed(make(project, "run", home=home)) == ["result"]  # run_step: a cache hit
    assert executed(make(project, "run", home=home, OVERRIDES="step=large")) == [
        "run_step",
        "result",
    ]
    assert jobs(make(project, "sweep", home=home)) == ["step=large", "step=small"]
    assert SEARCH_MISSING in make(project, "search", home=home, succeed=False)
    make(project, "package", home=home, OVERRIDES="step=small,large")
    (manifest,) = (project / "dist/flyte").glob("pipeline-*.json")
    assert manifest.with_suffix(".tgz").is_file()


def readme_removal(project: Path) -> str:
    """The README's command that removes the example (its "Start your own pipeline")."""
    readme = (project / "README.md").read_text()
    section = readme[readme.index("## Start your own pipeline") :]
    (command,) = re.findall(r"```bash\n(rm -r .*?)```", section, re.DOTALL)
    return str(command)


# A pipeline of the user's own, written as the README's recipes say: a config group with a schema
# beside its logic, a primary config named like its workflow file, a cached task per sub-config.
OWN_PIPELINE = {
    "conf/horizon/week.yaml": "days: 7\n",
    "conf/horizon/month.yaml": "days: 30\n",
    "conf/forecast.yaml": """
        defaults:
          - forecast_schema
          - horizon: week
          - shared: defaults
          - _self_
        """,
    f"src/{PACKAGE}/horizon.py": '''
        """How far ahead to forecast."""

        from dataclasses import dataclass


        @dataclass
        class HorizonConfig:
            """Schema of conf/horizon/."""

            days: int


        def naive_forecast(days: int) -> list[float]:
            """A flat forecast: one value per day."""
            return [1.0] * days
        ''',
    f"src/{PACKAGE}/workflows/configs.py": f'''
        """Schemas of the primary configs."""

        from dataclasses import dataclass

        from hydra.core.config_store import ConfigStore

        from {PACKAGE}.horizon import HorizonConfig


        @dataclass(kw_only=True)
        class ForecastConfig:
            """conf/forecast.yaml"""

            horizon: HorizonConfig


        ConfigStore.instance().store(name="forecast_schema", node=ForecastConfig)
        ''',
    f"src/{PACKAGE}/workflows/forecast.py": f'''
        """The user's forecast: one cached task on the horizon sub-config."""

        import logging

        import hydra
        from flytekit import task, workflow
        from omegaconf import DictConfig

        from {PACKAGE}.horizon import naive_forecast
        from {PACKAGE}.workflows import run
        from {PACKAGE}.workflows.caching import CODE_CACHE

        log = logging.getLogger(__name__)


        @task(cache=CODE_CACHE)
        def predict(cfg: DictConfig) -> float:
            """The forecast's total."""
            total = sum(naive_forecast(cfg.days))
            log.info(f"predict: {{total}}")
            return total


        @workflow
        def pipeline(horizon: DictConfig) -> float:
            """Forecast over the horizon."""
            return predict(cfg=horizon)


        @hydra.main(config_path="../../../conf", config_name="forecast", version_base="1.3")
        def main(cfg: DictConfig) -> float:
            """Run the workflow here."""
            return pipeline(horizon=cfg.horizon)


        if __name__ == "__main__":
            run(main, globals())
        ''',
}


def test_with_the_example_removed_as_the_readme_says_every_target_follows_the_project(
    cookies, tmp_path
):
    project = baked(cookies.bake())
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run(["bash", "-c", readme_removal(project)], cwd=project, check=True)
    assert not (project / "conf/debug").exists()  # the example's debugging config went with it
    for name, text in OWN_PIPELINE.items():
        write(project, name, text)
    for gone in ("multi_task", "single_task", "extra_inputs", "model", "data", "polynomial"):
        assert gone not in make(project, "help", home=home)
    make(project, "install", "lint", "format", home=home)
    assert executed(make(project, "run", home=home)) == ["predict"]
    assert executed(make(project, "run", home=home)) == []
    assert jobs(make(project, "sweep", home=home)) == ["horizon=month", "horizon=week"]
    assert SEARCH_MISSING in make(project, "search", home=home, succeed=False)
    make(project, "package", home=home)
    assert list((project / "dist/flyte").glob("forecast-*.tgz"))
    for target in ("image", "push", "register", "run-remote", "execute"):  # need a cluster
        dry = make(project, "-n", target, home=home, VERSION="v1")
        assert "forecast" in dry and "multi_task" not in dry, dry
    make(project, "lock", "test-fast", "clear-cache", "clean", home=home)
    assert not (project / "outputs").exists()


def without_uv(tmp_path: Path) -> str:
    """A PATH with this machine's tools but no uv: `make install` must bring its own."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for path in os.environ["PATH"].split(os.pathsep):
        for tool in Path(path).glob("*") if Path(path).is_dir() else ():
            if tool.name.startswith("uv") or (folder / tool.name).exists():
                continue
            (folder / tool.name).symlink_to(tool)
    assert shutil.which("uv", path=str(folder)) is None
    return str(folder)


DATAFRAME_WORKFLOW = f'''
    """Pandas and scikit-learn: a DataFrame passed between tasks, a model fitted on it."""

    import logging

    import hydra
    import pandas as pd
    from flytekit import task, workflow
    from omegaconf import DictConfig
    from sklearn.linear_model import LinearRegression

    from {PACKAGE}.workflows import run
    from {PACKAGE}.workflows.caching import CODE_CACHE

    log = logging.getLogger(__name__)


    @task(cache=CODE_CACHE)
    def load(cfg: DictConfig) -> pd.DataFrame:
        """A small table: y = 2x + 1."""
        xs = list(range(cfg.size))
        return pd.DataFrame({{"x": xs, "y": [2.0 * x + 1.0 for x in xs]}})


    @task(cache=CODE_CACHE)
    def fit(frame: pd.DataFrame) -> float:
        """The fitted slope."""
        slope = float(LinearRegression().fit(frame[["x"]], frame["y"]).coef_[0])
        log.info(f"fit: slope {{slope:.3f}} on {{len(frame)}} rows")
        return slope


    @workflow
    def pipeline(step: DictConfig) -> float:
        """Load, then fit."""
        return fit(frame=load(cfg=step))


    @hydra.main(config_path="../../../conf", config_name="pipeline", version_base="1.3")
    def main(cfg: DictConfig) -> float:
        """Run the workflow here."""
        return pipeline(step=cfg.step)


    if __name__ == "__main__":
        run(main, globals())
    '''


def test_make_add_brings_pandas_and_scikit_learn_that_lint_and_pass_a_dataframe(cookies, tmp_path):
    project = baked(cookies.bake(extra_context={"example": "none"}))
    home = tmp_path / "home"
    home.mkdir()
    path = without_uv(tmp_path)
    old_path = os.environ["PATH"]
    os.environ["PATH"] = path  # support.targets.make passes the caller's environment on
    try:
        make(project, "install", home=home)
        assert (project / ".uv/bin/uv").exists()
        readme = (project / "README.md").read_text()
        assert 'make add PKG="pandas pyarrow scikit-learn"' in readme
        make(project, "add", home=home, PKG="pandas pyarrow scikit-learn")
        write(project, f"src/{PACKAGE}/workflows/pipeline.py", DATAFRAME_WORKFLOW)
        make(project, "lint", home=home)
        output = make(project, "run", home=home)
    finally:
        os.environ["PATH"] = old_path
    assert "fit: slope 2.000 on 10 rows" in output
    pyproject = (project / "pyproject.toml").read_text()
    assert all(name in pyproject for name in ("pandas", "pyarrow", "scikit-learn"))
    assert "make add: name the packages" in make(project, "add", home=home, succeed=False)
