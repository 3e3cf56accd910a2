"""Config values from the environment never reach a launch plan (infra/env_values.py): refused,
naming the key, in package and remote mode before anything is written or sent, whether the
interpolation is on the command line or in a config group's option; stored only where
``hydra.launcher.allow_env_in_launch_plans`` says so."""

import json

import pytest
import yaml
from omegaconf import OmegaConf

from infra.env_values import env_interpolations
from support.fixture_project import CONF_DIR, WORKFLOW_NAMES, compose_config, groups_of, run_fixture
from support.flyteadmin import serving
from support.ports import free_port

VARIABLE = "HFT_TEST_ENV_VALUE"
INTERPOLATION = "${oc.env:" + VARIABLE + "}"
VERSION = "env-1"


def env_option(name: str, tmp_path) -> tuple[list[str], str, int]:
    """A new option of the first config group of ``name`` in a search path folder: the selected
    option with its first whole-number value read from ``VARIABLE``. Its overrides, the key, and
    the value it replaced."""
    group = sorted(groups_of(name))[0]
    selected = compose_config(name, hydra=True).hydra.runtime.choices[group]
    option = yaml.safe_load((CONF_DIR / group / f"{selected}.yaml").read_text())
    leaf = next(key for key, value in option.items() if type(value) is int)
    value, option[leaf] = option[leaf], INTERPOLATION
    (tmp_path / "conf" / group).mkdir(parents=True)
    (tmp_path / "conf" / group / "from_env.yaml").write_text(yaml.safe_dump(option))
    overrides = [f"hydra.searchpath=[file://{tmp_path / 'conf'}]", f"{group}=from_env"]
    return overrides, f"{group}.{leaf}", value


def package(name: str, tmp_path, *overrides: str, succeed: bool) -> str:
    return run_fixture(
        name,
        "-m",
        "hydra.launcher.mode=package",
        f"hydra.launcher.version={VERSION}",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        *overrides,
        cwd=tmp_path,
        succeed=succeed,
    )


def assert_refused(output: str, key: str) -> None:
    assert f"{key}: {INTERPOLATION!r} takes a value from the environment" in output
    assert f"hydra.launcher.allow_env_in_launch_plans=[{key}]" in output


@pytest.mark.slow
@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_group_option_read_from_the_environment_is_not_packaged(name, tmp_path, monkeypatch):
    overrides, key, value = env_option(name, tmp_path)
    monkeypatch.setenv(VARIABLE, str(value))
    assert_refused(package(name, tmp_path, *overrides, succeed=False), key)
    assert not (tmp_path / "dist").exists()


@pytest.mark.slow
def test_an_allowed_key_is_packaged_with_its_value(tmp_path, monkeypatch):
    name = WORKFLOW_NAMES[0]
    overrides, key, value = env_option(name, tmp_path)
    monkeypatch.setenv(VARIABLE, str(value + 1))
    allow = f"hydra.launcher.allow_env_in_launch_plans=[{key}]"
    package(name, tmp_path, *overrides, allow, succeed=True)
    (manifest,) = (tmp_path / "dist").glob("*.json")
    (launch_plan,) = json.loads(manifest.read_text())["launch_plans"]
    stored = OmegaConf.select(OmegaConf.create(launch_plan["inputs"]["cfg"]), key)
    assert stored == value + 1


@pytest.mark.slow
def test_remote_mode_sends_nothing_when_an_override_reads_the_environment(tmp_path, monkeypatch):
    name = WORKFLOW_NAMES[0]
    _, key, value = env_option(name, tmp_path)
    monkeypatch.setenv(VARIABLE, str(value))
    with serving() as admin:
        output = run_fixture(
            name,
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            f"{key}={INTERPOLATION}",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            cwd=tmp_path,
            succeed=False,
        )
        assert_refused(output, key)
        assert admin.requests == []


@pytest.mark.slow
def test_a_launcher_input_read_from_the_environment_is_refused(tmp_path, monkeypatch):
    endpoint = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv(VARIABLE, "s3cr3t")
    name = next(n for n in WORKFLOW_NAMES if "label" in compose_config(n))
    output = run_fixture(
        name,
        "-m",
        f"hydra.launcher.connection.endpoint={endpoint}",
        "hydra.launcher.build=false",
        "~label",
        f"+hydra.launcher.inputs.label={INTERPOLATION}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=tmp_path,
        succeed=False,
    )
    assert_refused(output, "hydra.launcher.inputs.label")


@pytest.mark.parametrize(
    ("key", "found"),
    [
        ("direct", ["direct"]),
        ("decoded", ["decoded"]),
        ("embedded", ["embedded"]),
        ("through", ["source.value"]),
        ("relative", ["source.value"]),
        ("listed", ["listed.1"]),
        ("source", ["source.value"]),
        ("plain", []),
        ("other_resolver", []),
    ],
)
def test_environment_values_are_found_in_the_unresolved_config(key, found):
    config = OmegaConf.create(
        {
            "direct": "${oc.env:A}",
            "decoded": "${oc.decode:${oc.env:PORT,80}}",
            "embedded": "postgres://user:${oc.env:DB_PASSWORD}@db/x",
            "source": {"value": "${oc.env:B}", "near": "${.value}"},
            "through": "${source.near}",
            "relative": "${.source.value}",
            "listed": [1, "${oc.env:C}"],
            "plain": "${source}-free",
            "other_resolver": "${oc.create:{a: 1}}",
        }
    )
    config.plain = "no interpolation"
    assert [k for k, _ in env_interpolations(config, key, set())] == found
