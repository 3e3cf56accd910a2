"""Schemas of the primary configs: Hydra checks every composed config against them."""

from dataclasses import dataclass

from hydra.core.config_store import ConfigStore

from my_project.corpus import SourceConfig


@dataclass(kw_only=True)
class CorpusConfig:
    """``conf/corpus.yaml``: the documents, and how many top words the workflow returns."""

    source: SourceConfig
    top: int = 5


SCHEMAS = {"corpus": CorpusConfig}
for config_name, schema in SCHEMAS.items():
    ConfigStore.instance().store(name=f"{config_name}_schema", node=schema)
