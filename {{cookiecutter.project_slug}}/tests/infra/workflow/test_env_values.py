"""Config values from the environment never reach a launch plan, a package or an execution's
inputs (infra/workflow/env_values.py): refused, naming the key and never the value, in package and
remote mode and by ``make execute`` before anything is written or sent, however the value got there
(an interpolation on the command line or in a config group's option, ``hydra.job.env_set``,
``hydra.job.name``, a nested interpolation); stored only where
``hydra.launcher.allow_env_in_launch_plans`` says so."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from hydra.conf import HydraConf
from hydra.core.utils import setup_globals
from omegaconf import DictConfig, OmegaConf

import infra
from infra.errors import LauncherError
from infra.workflow.env_values import ALLOW_SETTING, env_dependent, refuse_env_inputs
from support.fixture_project import (
    CONF_DIR,
    PACKAGE,
    ROOT,
    SOURCE,
    WORKFLOW_NAMES,
    compose_config,
    groups_of,
    package_fixture,
    run_fixture,
)
from support.flyteadmin import serving
from support.ports import free_port

VARIABLE = "HFT_TEST_ENV_VALUE"
INTERPOLATION = "${oc.env:" + VARIABLE + "}"
VERSION = "env-1"
PROJECT = Path(infra.__file__).resolve().parents[1]  # the project holding infra/


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
    return package_fixture(name, *overrides, tmp_path=tmp_path, version=VERSION, succeed=succeed)


def assert_refused(output: str, key: str, value: object = None) -> None:
    assert f"{key}: must not take a value from the environment" in output
    assert f"hydra.launcher.allow_env_in_launch_plans=[{key}]" in output
    if value is not None:
        assert str(value) not in output.replace(f"{key}", "")


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


HIDDEN = 918273645  # a value that can only come from the environment in these tests
THROUGH_HYDRA = {
    "env_set": [
        "+hydra.job.env_set.HFT_S=" + INTERPOLATION,
        "${oc.decode:${hydra:job.env_set.HFT_S}}",
    ],
    "job_name": ["hydra.job.name=" + INTERPOLATION, "${oc.decode:${hydra:job.name}}"],
    "nested": ["hydra.job.env_set={}", "${oc.decode:${oc.env:${oc.env:HFT_NAME_OF_VARIABLE}}}"],
}


@pytest.mark.slow
@pytest.mark.parametrize("path", THROUGH_HYDRA)
def test_a_value_reached_through_hydra_is_neither_packaged_nor_printed(path, tmp_path, monkeypatch):
    name = WORKFLOW_NAMES[0]
    _, key, _ = env_option(name, tmp_path)
    monkeypatch.setenv(VARIABLE, str(HIDDEN))
    monkeypatch.setenv("HFT_NAME_OF_VARIABLE", VARIABLE)
    setting, reference = THROUGH_HYDRA[path]
    output = package(name, tmp_path, setting, f"{key}='{reference}'", succeed=False)
    assert_refused(output, key, HIDDEN)
    assert not (tmp_path / "dist").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and str(HIDDEN) in p.read_text()]


@pytest.mark.slow
def test_make_execute_refuses_an_override_from_the_environment_before_any_call(
    tmp_path, monkeypatch
):
    name = WORKFLOW_NAMES[0]
    _, key, _ = env_option(name, tmp_path)
    monkeypatch.setenv(VARIABLE, str(HIDDEN))
    command = [sys.executable, "-m", "infra.modes.execute", "--workflow"]
    with serving() as admin:
        result = subprocess.run(
            [*command, f"{PACKAGE}.workflows.{name}", "--version", VERSION]
            + ["--endpoint", admin.endpoint, "--override", f"{key}={INTERPOLATION}"],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": f"{PROJECT}{os.pathsep}{SOURCE}"},
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert_refused(result.stdout + result.stderr, key, HIDDEN)
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


SECRET = "s3cr3t-value-42"
UNIT_CONFIG = {
    "direct": "${oc.env:A}",
    "decoded": "${oc.decode:${oc.env:PORT}}",
    "defaulted": "${oc.env:HFT_UNSET_VARIABLE,80}",
    "embedded": "postgres://user:${oc.env:A}@db/x",
    "source": {"value": "${oc.env:A}", "near": "${.value}"},
    "through": "${source.near}",
    "relative": "${.source.value}",
    "listed": [1, "${oc.env:A}"],
    "nested": "${oc.env:${oc.env:NAME_OF_A}}",
    "selected": "${oc.select:nowhere,${oc.env:A}}",
    "subtree": "${oc.create:${oc.env:JSON}}",
    "env_set": "${hydra:job.env_set.S}",
    "job_name": "${hydra:job.name}",
    "job_id": "${hydra:job.id}",
    "plain": "no interpolation",
    "other_resolver": "${oc.create:{a: 1}}",
    "random": "${hft_test_random:}",
}
HYDRA_NODE = {"job": {"env_set": {"S": "${oc.env:A}"}, "name": "${oc.env:A}", "id": "x_0"}}
FOUND = {
    "direct": ["direct"],
    "decoded": ["decoded"],
    "defaulted": [],
    "embedded": ["embedded"],
    "source": ["source.near", "source.value"],
    "through": ["through"],
    "relative": ["relative"],
    "listed": ["listed.1"],
    "nested": ["nested"],
    "selected": ["selected"],
    "subtree": ["subtree.token"],
    "env_set": ["env_set"],
    "job_name": ["job_name"],
    "job_id": [],
    "plain": [],
    "other_resolver": [],
    "random": [],
}


def unit_config() -> DictConfig:
    """UNIT_CONFIG with a ``hydra`` node typed as Hydra's, as Hydra composes it."""
    hydra = OmegaConf.merge(OmegaConf.structured(HydraConf), HYDRA_NODE)
    return OmegaConf.merge(UNIT_CONFIG, {"hydra": hydra})


@pytest.fixture
def environment(monkeypatch):
    for name, value in {"A": SECRET, "PORT": "5432", "NAME_OF_A": "A"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JSON", json.dumps({"token": SECRET}))
    monkeypatch.delenv("HFT_UNSET_VARIABLE", raising=False)
    setup_globals()  # Hydra's resolvers: hydra, now
    if not OmegaConf.has_resolver("hft_test_random"):
        OmegaConf.register_new_resolver("hft_test_random", lambda: uuid.uuid4().hex)


@pytest.mark.parametrize(("key", "found"), FOUND.items(), ids=list(FOUND))
def test_a_value_is_refused_by_where_it_comes_from_not_how_it_is_written(environment, key, found):
    assert env_dependent(unit_config(), [key]) == found


def test_the_refusal_names_the_key_and_never_the_value(environment):
    config = unit_config()
    with pytest.raises(LauncherError) as refused:
        refuse_env_inputs({"cfg": config}, allowed=["source", "listed.1"])
    message = str(refused.value)
    assert SECRET not in message and "5432" not in message
    assert "direct: must not take a value from the environment" in message
    assert f"{ALLOW_SETTING}=[subtree.token]" in message
    assert "source.value" not in message and "listed.1" not in message
    assert "plain" not in message and "defaulted" not in message
