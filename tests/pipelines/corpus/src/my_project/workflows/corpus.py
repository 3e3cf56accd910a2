"""Corpus workflow: write documents as a folder of shards, then count the most common words.

Run it with ``python <this file> [overrides]``; its config: ``conf/corpus.yaml``; ``top`` (a
workflow input of its own) is a top-level key there.
"""

import logging
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import flytekit
import hydra
from flytekit import task, workflow
from flytekit.types.directory import FlyteDirectory
from omegaconf import DictConfig

from my_project import corpus
from my_project.workflows import run
from my_project.workflows.caching import CODE_CACHE

log = logging.getLogger(__name__)


class Counts(NamedTuple):
    """The shards and the most common words in them."""

    shards: FlyteDirectory
    top_words: dict[str, int]


@task(cache=CODE_CACHE)
def write_shards(cfg: DictConfig) -> FlyteDirectory:
    """Generate the documents and write them as shards."""
    source = cfg.source
    docs = corpus.documents(source.n_docs, source.words_per_doc, source.seed)
    folder = Path(flytekit.current_context().working_directory) / "shards"
    paths = corpus.write_shards(docs, source.shard_size, folder)
    log.info(f"write_shards: {len(paths)} shards")
    return FlyteDirectory(str(folder))


@task
def top_words(shards: FlyteDirectory, cfg: DictConfig, top: int) -> dict[str, int]:
    """The ``top`` most common words over every shard (not cached: it is quick)."""
    rules = cfg.source.tokenize
    tokenize = corpus.Tokenize(lowercase=rules.lowercase, min_length=rules.min_length)
    stopwords = list(cfg.source.stopwords)
    counts: Counter[str] = Counter()
    for path in sorted(Path(shards.download()).glob("*.txt")):
        counts += corpus.count_words(path.read_text(), tokenize, stopwords)
    return dict(counts.most_common(top))


@workflow
def pipeline(cfg: DictConfig, top: int) -> Counts:
    """Write the shards, then count their words."""
    shards = write_shards(cfg=cfg)
    return Counts(shards=shards, top_words=top_words(shards=shards, cfg=cfg, top=top))


@hydra.main(config_path="../../../conf", config_name="corpus", version_base="1.3")
def main(cfg: DictConfig) -> Counts:
    """Run the workflow here on the composed config."""
    counts = pipeline(cfg=cfg, top=cfg.top)
    log.info(f"top words: {counts.top_words}")
    return counts


if __name__ == "__main__":
    run(main, globals())
