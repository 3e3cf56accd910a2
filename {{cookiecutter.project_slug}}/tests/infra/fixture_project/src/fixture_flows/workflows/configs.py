"""Schemas of the fixture configs: a group (``size``) and one primary config per workflow."""

from dataclasses import dataclass

from hydra.core.config_store import ConfigStore


@dataclass
class SizeConfig:
    """``conf/size/<option>.yaml``"""

    count: int
    scale: float


@dataclass
class FixtureConfig:
    """A primary config: the group's node."""

    size: SizeConfig


@dataclass
class CachedConfig(FixtureConfig):
    """``conf/cached.yaml``: a top-level value, and ``label``, an input of the workflow."""

    offset: int = 0
    label: str = ""


SCHEMAS = {
    "cached": CachedConfig,
    "mapped": FixtureConfig,
    "dynamic": FixtureConfig,
    "branching": FixtureConfig,
    "files": FixtureConfig,
}
for config_name, schema in SCHEMAS.items():
    ConfigStore.instance().store(name=f"{config_name}_schema", node=schema)
