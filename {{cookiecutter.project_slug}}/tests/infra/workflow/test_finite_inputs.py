"""NaN and infinities never reach a workflow (infra/workflow/finite.py): refused naming the key,
before any task runs, in every launcher mode."""

import math

import pytest
from omegaconf import DictConfig, OmegaConf

from infra.errors import LauncherError
from infra.workflow.finite import refuse_non_finite
from support.fixture_project import WORKFLOW_NAMES, compose_config, run_fixture


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_anywhere_in_the_inputs_is_named(bad):
    config = OmegaConf.create({"model": {"l2": bad, "ok": 1.5}, "grid": [0.1, bad]})
    with pytest.raises(LauncherError) as refused:
        refuse_non_finite({"cfg": config, "scale": bad, "name": "nan"})
    assert str(refused.value).splitlines() == [
        f"cfg.model.l2: must be a finite number (got {bad!r})",
        f"cfg.grid[1]: must be a finite number (got {bad!r})",
        f"scale: must be a finite number (got {bad!r})",
    ]


def test_finite_numbers_and_text_pass():
    refuse_non_finite({"cfg": OmegaConf.create({"a": 1.0, "b": [2, "inf"]}), "n": 3})


def float_keys(config: DictConfig, prefix: str = "") -> list[str]:
    """Dotted keys of the float settings in ``config``."""
    keys = []
    for key in config:
        if isinstance(config[key], DictConfig):
            keys += float_keys(config[key], f"{prefix}{key}.")
        elif OmegaConf.get_type(config, key) is float:
            keys.append(f"{prefix}{key}")
    return keys


def float_key(name: str) -> str | None:
    """A float setting of the fixture workflow's config, if it has one."""
    return next(iter(float_keys(compose_config(name))), None)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["local", "package"])
def test_a_launch_with_nan_in_the_config_stops_before_any_task(mode, tmp_path):
    name = next((n for n in WORKFLOW_NAMES if float_key(n)), None)
    if name is None:
        pytest.skip("no workflow config has a float setting")
    key = float_key(name)
    output = run_fixture(
        name,
        "-m",
        f"hydra.launcher.mode={mode}",
        f"{key}=nan",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=tmp_path,
        home=tmp_path,
        succeed=False,
    )
    assert f"{key}: must be a finite number (got nan)" in output
    assert not (tmp_path / "dist").exists()
    assert not (tmp_path / ".flyte").exists()  # no task ran: nothing cached
