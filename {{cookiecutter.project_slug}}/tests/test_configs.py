"""Every primary config composes with every option of every config group."""

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf

from conftest import CONF_DIR, GROUP_OPTIONS, PRIMARY_CONFIGS, compose_config
from infra.config import Mode


def test_the_project_has_configs_to_check():
    assert set(PRIMARY_CONFIGS) == {"single_task", "multi_task", "extra_inputs"}
    assert {group for group, _ in GROUP_OPTIONS} == {"data", "model"}


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
@pytest.mark.parametrize(("group", "option"), GROUP_OPTIONS)
def test_primary_config_composes_with_option(name, group, option):
    cfg = compose_config(name, [f"{group}={option}"])
    assert OmegaConf.to_container(cfg[group]) == OmegaConf.to_container(
        OmegaConf.load(CONF_DIR / group / f"{option}.yaml")
    )
    assert OmegaConf.missing_keys(cfg) == set()


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
def test_primary_configs_select_the_project_launcher(name):
    launcher = compose_config(name, hydra=True).hydra.launcher
    assert launcher._target_.endswith("_launcher.flyte_launcher.FlyteLauncher")
    assert launcher.mode == Mode.remote
    assert launcher.images.default.repository


def test_unknown_launcher_key_is_refused():
    with pytest.raises(ConfigCompositionException, match="nope"):
        compose_config("multi_task", ["hydra.launcher.nope=1"], hydra=True)


def test_unknown_launcher_mode_is_refused_with_the_choices():
    with pytest.raises(ConfigCompositionException) as error:
        compose_config("multi_task", ["hydra.launcher.mode=cloud"], hydra=True)
    assert "local, remote, package" in str(error.value.__cause__)
