"""Every primary config: it belongs to a workflow, has a schema, composes with every option of
every group it selects, and refuses wrong types and unknown keys when it is composed. Every field
type a schema may use becomes a Flyte value and comes back typed; the others are refused."""

import dataclasses
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from hydra.errors import ConfigCompositionException
from omegaconf import DictConfig, OmegaConf

from {{ cookiecutter.package_name }}.workflows.config_types import check_schema

from infra.settings.schema import Mode
from support.literals import decoded
from support.packages import read_package
from support.project import (
    CONF_DIR,
    PACKAGE,
    PRIMARY_CONFIGS,
    ROOT,
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


TYPED_SCHEMA = """
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


class Kind(str, enum.Enum):
    gbm = "gbm"
    forest = "forest"


class Level(enum.Enum):  # an enum of numbers: Flyte itself takes only enums of text
    low = 1
    high = 2


@dataclass
class Inner:
    rate: float = 0.1


@dataclass
class ModelConfig:
    max_depth: int | None = None
    min_leaf: Optional[int] = None
    kind: Kind = Kind.gbm
    level: Level | None = Level.low
    inner: Inner = field(default_factory=Inner)
    fallback: Optional[Inner] = None
    features: list[str] = field(default_factory=lambda: ["x", "y"])
    levels: list[Level] = field(default_factory=lambda: [Level.high])
    weights: dict[str, float] = field(default_factory=lambda: {"x": 1.0})
    cache_dir: Path = Path("data/cache")
    models: list[Path] | None = None


@dataclass
class Schema:
    model: ModelConfig = field(default_factory=ModelConfig)
    seed: int = 0
"""
SET_VALUES = [
    "model.max_depth=3",
    "model.min_leaf=2",
    "model.kind=forest",
    "model.level=high",
    "model.inner.rate=0.5",
    "model.fallback={rate: 0.2}",
    "model.features=[a]",
    "model.levels=[low, high]",
    "model.weights={a: 2.0}",
    "model.cache_dir=/tmp/x",
    "model.models=[a.pkl]",
]


@pytest.fixture(params=["annotations", "annotations as text"])
def typed_schema(request, tmp_path, monkeypatch):
    """A schema module of the test's own with every field type of the README, importable (as a
    task's config type must be), with annotations as written or as text."""
    future = (
        "from __future__ import annotations\n" if request.param == "annotations as text" else ""
    )
    package = tmp_path / f"typed_schema_{len(request.param)}"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "schemas.py").write_text(future + TYPED_SCHEMA)
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module(f"{package.name}.schemas")


@pytest.mark.parametrize("overrides", [[], SET_VALUES], ids=["defaults", "values set"])
def test_every_schema_type_becomes_a_flyte_value_and_comes_back_typed(typed_schema, overrides):
    config = OmegaConf.merge(
        OmegaConf.structured(typed_schema.Schema), OmegaConf.from_dotlist(overrides)
    )
    back = as_flyte_value_and_back(config)
    assert back == config
    assert OmegaConf.get_type(back) is typed_schema.Schema
    assert OmegaConf.get_type(back.model) is typed_schema.ModelConfig
    assert isinstance(back.model.kind, typed_schema.Kind)
    assert all(isinstance(level, typed_schema.Level) for level in back.model.levels)
    assert isinstance(back.model.cache_dir, Path)


@pytest.mark.parametrize(
    ("annotation", "instead"),
    [
        ('Literal["gbm", "forest"]', "an Enum of text values"),
        ('Optional[Literal["gbm", "forest"]]', "an Enum of text values"),
        ("int | str", "one type, or `X | None`"),
        ("Union[int, str]", "one type, or `X | None`"),
    ],
)
def test_a_field_type_hydra_cannot_check_is_refused_naming_field_and_type(annotation, instead):
    namespace: dict = {}
    exec(
        "from dataclasses import dataclass, field\nfrom typing import *\n"
        f"@dataclass\nclass Inner:\n    kind: {annotation} = 1\n"
        "@dataclass\nclass Schema:\n    model: Inner = field(default_factory=Inner)\n",
        namespace,
    )
    with pytest.raises(TypeError) as error:
        check_schema(namespace["Schema"])
    message = str(error.value)
    assert message.startswith("config field Schema.model.kind: ") and f"use {instead}" in message


def test_a_value_flyte_would_pickle_is_refused_naming_its_key():
    config = OmegaConf.create({"model": {"weights": {"blob": b"\x00"}}})
    with pytest.raises(Exception, match=r"^model\.weights\.blob: a builtins\.bytes would travel"):
        as_flyte_value_and_back(config)


def as_flyte_value_and_back(config: DictConfig) -> DictConfig:
    """``config`` as the Flyte value a task receives, and that value as the task reads it."""
    ctx = FlyteContextManager.current_context()
    literal = TypeEngine.to_literal(ctx, config, DictConfig, TypeEngine.to_literal_type(DictConfig))
    return TypeEngine.to_python_value(ctx, literal, DictConfig)


TYPED_WORKFLOW = '''
"""A workflow of the test's own: its config has an optional field and the other schema types."""

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import hydra
from flytekit import task, workflow
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from PACKAGE.workflows import run
from PACKAGE.workflows.caching import CODE_CACHE
from PACKAGE.workflows.config_types import check_schema


class Kind(str, enum.Enum):
    gbm = "gbm"
    forest = "forest"


@dataclass
class Inner:
    rate: float = 0.1


@dataclass
class ModelConfig:
    max_depth: int | None = None
    min_leaf: Optional[int] = None
    kind: Kind = Kind.gbm
    inner: Inner = field(default_factory=Inner)
    features: list[str] = field(default_factory=lambda: ["x", "y"])
    weights: dict[str, float] = field(default_factory=lambda: {"x": 1.0})
    cache_dir: Path = Path("data")


@dataclass
class TypedProbeConfig:
    model: ModelConfig = field(default_factory=ModelConfig)


check_schema(TypedProbeConfig)
ConfigStore.instance().store(name="typed_probe_schema", node=TypedProbeConfig)


@task(cache=CODE_CACHE)
def describe(cfg: DictConfig) -> str:
    model = cfg.model
    assert isinstance(model.kind, Kind) and isinstance(model.cache_dir, Path), model
    return f"max_depth={model.max_depth} kind={model.kind.name} rate={model.inner.rate}"


@workflow
def pipeline(cfg: DictConfig) -> str:
    return describe(cfg=cfg)


@hydra.main(config_path="../../../conf", config_name="typed_probe", version_base="1.3")
def main(cfg: DictConfig) -> str:
    result = pipeline(cfg=cfg)
    print(f"result: {result}")
    return result


if __name__ == "__main__":
    run(main, globals())
'''
TYPED_CONFIG = "defaults:\n  - typed_probe_schema\n  - shared: defaults\n  - _self_\n"


@pytest.fixture(scope="module")
def typed_probe(tmp_path_factory):
    """A copy of this project plus the workflow ``typed_probe`` above: ``run(*args)`` runs its
    file as a user does and returns the output."""
    root = tmp_path_factory.mktemp("typed") / "project"
    for part in ("src", "conf", "infra", "hydra_plugins"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    script = root / "src" / PACKAGE / "workflows" / "typed_probe.py"
    script.write_text(TYPED_WORKFLOW.replace("PACKAGE", PACKAGE))
    (root / "conf" / "typed_probe.yaml").write_text(TYPED_CONFIG)
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    env.update(HOME=str(root), PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]))

    def run(*args: str) -> str:
        command = [sys.executable, str(script), *args]
        result = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    return run


@pytest.mark.slow
def test_an_optional_field_works_in_a_plain_run_and_a_local_sweep(typed_probe):
    assert "result: max_depth=None kind=gbm rate=0.1" in typed_probe("model.inner.rate=0.1")
    output = typed_probe(
        "-m", "hydra.launcher.mode=local", "model.max_depth=null,3", "model.kind=forest"
    )
    assert "max_depth=None kind=forest" in output and "max_depth=3 kind=forest" in output, output


@pytest.mark.slow
def test_an_optional_field_works_in_package_mode(typed_probe, tmp_path):
    typed_probe(
        "-m",
        "hydra.launcher.mode=package",
        "hydra.launcher.version=v1",
        f"hydra.launcher.package_dir={tmp_path}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "model.max_depth=null,3",
    )
    manifest = json.loads((tmp_path / "typed_probe-v1.json").read_text())
    _, *jobs = read_package(tmp_path / manifest["package"])["3"]
    configs = [decoded(job.spec.default_inputs.parameters["cfg"].default) for job in jobs]
    assert sorted(str(config["model"]["max_depth"]) for config in configs) == ["3", "None"]
    assert all(config["model"]["kind"] == "gbm" for config in configs), configs


@pytest.mark.slow
def test_an_optional_field_is_registered_and_run_on_the_stand_in_flyteadmin(
    typed_probe, flyteadmin, tmp_path
):
    typed_probe(
        "-m",
        f"hydra.launcher.connection.endpoint={flyteadmin.endpoint}",
        "hydra.launcher.build=false",
        "hydra.launcher.version=v1",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "model.max_depth=null,3",
    )
    plans = [
        request
        for method, request in flyteadmin.requests
        if method == "CreateLaunchPlan" and request.id.name != request.spec.workflow_id.name
    ]
    configs = [decoded(plan.spec.default_inputs.parameters["cfg"].default) for plan in plans]
    assert sorted(str(config["model"]["max_depth"]) for config in configs) == ["3", "None"]
    assert sum(method == "CreateExecution" for method, _ in flyteadmin.requests) == 2
