"""Schemas of the primary configs: Hydra checks every composed config against them.

Each workflow's primary config (``conf/<workflow>.yaml``) starts its defaults list with
``<workflow>_schema``, stored below. A value of the wrong type or a key the schema does not have
then fails when the config is composed, naming the key and the value, before any task runs. The
config groups' schemas live beside the logic they configure (``DataConfig`` in ``data.py``, ...);
a field without a default is a value the config must supply (``???``); a sub-config whose fields
all have defaults can default to them (``field(default_factory=EvaluateConfig)``). ``kw_only``
lets a field without a default follow one with a default, so a new field can go anywhere.
"""

from dataclasses import {% if cookiecutter.example == "polynomial" %}dataclass, field{% else %}dataclass{% endif %}

from hydra.core.config_store import ConfigStore
{% if cookiecutter.example == "polynomial" %}
from {{ cookiecutter.package_name }}.data import DataConfig
from {{ cookiecutter.package_name }}.metrics import EvaluateConfig
from {{ cookiecutter.package_name }}.model import ModelConfig
{%- else %}
from {{ cookiecutter.package_name }}.step import StepConfig
{%- endif %}
from {{ cookiecutter.package_name }}.workflows.config_types import check_schema
{%- if cookiecutter.example == "polynomial" %}


@dataclass(kw_only=True)
class SingleTaskConfig:
    """``conf/single_task.yaml``"""

    data: DataConfig
    model: ModelConfig
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)


@dataclass(kw_only=True)
class MultiTaskConfig:
    """``conf/multi_task.yaml``"""

    data: DataConfig
    model: ModelConfig
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)


@dataclass(kw_only=True)
class ExtraInputsConfig:
    """``conf/extra_inputs.yaml``: the config, plus the workflow's data inputs."""

    data: DataConfig
    model: ModelConfig
    query: str  # x values to predict y for, separated by spaces or commas
    overrides: list[str]  # dotted ``key=value`` overrides applied to the config in the workflow


SCHEMAS = {
    "single_task": SingleTaskConfig,
    "multi_task": MultiTaskConfig,
    "extra_inputs": ExtraInputsConfig,
}
{%- else %}


@dataclass(kw_only=True)
class PipelineConfig:
    """``conf/pipeline.yaml``"""

    step: StepConfig


SCHEMAS = {"pipeline": PipelineConfig}
{%- endif %}
for config_name, schema in SCHEMAS.items():
    check_schema(schema)
    ConfigStore.instance().store(name=f"{config_name}_schema", node=schema)
