"""Schemas of the primary configs: Hydra checks every composed config against them."""

from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore

from my_project.churn import CustomersConfig, ForestConfig, ValidationConfig


@dataclass(kw_only=True)
class ChurnConfig:
    """``conf/churn.yaml``"""

    customers: CustomersConfig
    forest: ForestConfig
    validation: ValidationConfig = field(default_factory=ValidationConfig)


SCHEMAS = {"churn": ChurnConfig}
for config_name, schema in SCHEMAS.items():
    ConfigStore.instance().store(name=f"{config_name}_schema", node=schema)
