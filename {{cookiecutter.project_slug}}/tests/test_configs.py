"""Every primary config: it belongs to a workflow, has a schema, composes with every option of
every group it selects, and refuses wrong types and unknown keys when it is composed."""

import dataclasses

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf import DictConfig, OmegaConf

from infra.config import Mode
from support.project import (
    CONF_DIR,
    PRIMARY_CONFIGS,
    WORKFLOW_NAMES,
    WRONG,
    compose_config,
    groups_of,
    typed_leaves,
)

OPTIONS = [
    (name, group, option)
    for name in PRIMARY_CONFIGS
    for group, options in groups_of(name).items()
    for option in options
]


def test_every_primary_config_belongs_to_a_workflow_file_of_its_name():
    assert PRIMARY_CONFIGS == WORKFLOW_NAMES, (
        "conf/<name>.yaml and src/<package>/workflows/<name>.py come in pairs"
    )


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
def test_a_primary_config_and_its_groups_have_schemas(name):
    config = compose_config(name)
    assert dataclasses.is_dataclass(OmegaConf.get_type(config)), (
        f"conf/{name}.yaml needs `- {name}_schema` first in its defaults (workflows/configs.py)"
    )
    for key in config:
        if isinstance(config[key], DictConfig):
            assert dataclasses.is_dataclass(OmegaConf.get_type(config[key])), f"{name}: {key}"


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
def test_the_defaults_supply_every_required_value(name):
    assert OmegaConf.missing_keys(compose_config(name)) == set()


@pytest.mark.parametrize(("name", "group", "option"), OPTIONS)
def test_a_primary_config_composes_with_every_option_of_its_groups(name, group, option):
    config = compose_config(name, [f"{group}={option}"])
    assert OmegaConf.to_container(config[group]) == OmegaConf.to_container(
        OmegaConf.merge(config[group], OmegaConf.load(CONF_DIR / group / f"{option}.yaml"))
    )
    assert OmegaConf.missing_keys(config) == set()


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
def test_a_value_of_the_wrong_type_is_refused_naming_key_and_value(name):
    leaves = typed_leaves(compose_config(name))
    assert leaves, f"{name} has no typed values to check"
    for key, _ in leaves:
        with pytest.raises(ConfigCompositionException) as error:
            compose_config(name, [f"{key}={WRONG}"])
        message = f"{error.value} {error.value.__cause__}"
        assert f"{key}={WRONG}" in message and f"full_key: {key}" in message, message


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
def test_an_unknown_key_is_refused(name):
    config = compose_config(name)
    for key in [key for key in config if isinstance(config[key], DictConfig)]:
        with pytest.raises(ConfigCompositionException) as error:
            compose_config(name, [f"{key}.nope=1"])
        assert f"Key 'nope' not in '{OmegaConf.get_type(config[key]).__name__}'" in str(
            error.value.__cause__
        )


@pytest.mark.parametrize("name", PRIMARY_CONFIGS)
def test_primary_configs_select_the_project_launcher(name):
    launcher = compose_config(name, hydra=True).hydra.launcher
    assert launcher._target_.endswith("_launcher.flyte_launcher.FlyteLauncher")
    assert launcher.mode == Mode.remote
    assert launcher.images.default.repository


def test_unknown_launcher_key_is_refused():
    with pytest.raises(ConfigCompositionException, match="nope"):
        compose_config(PRIMARY_CONFIGS[0], ["hydra.launcher.nope=1"], hydra=True)


def test_unknown_launcher_mode_is_refused_with_the_choices():
    with pytest.raises(ConfigCompositionException) as error:
        compose_config(PRIMARY_CONFIGS[0], ["hydra.launcher.mode=cloud"], hydra=True)
    assert "local, remote, package" in str(error.value.__cause__)
