"""A text corpus: generated documents, written as shards, and its most common words."""

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

VOCABULARY = ["flyte", "hydra", "task", "cache", "config", "sweep", "image", "shard"]


@dataclass
class Tokenize:
    """How documents become words."""

    lowercase: bool = True
    min_length: int = 3


@dataclass
class SourceConfig:
    """Schema of ``conf/source/``: how many documents, how long, in shards of what size."""

    n_docs: int
    words_per_doc: int = 20
    shard_size: int = 10
    seed: int = 0
    stopwords: list[str] = field(default_factory=list)
    tokenize: Tokenize = field(default_factory=Tokenize)


def documents(n_docs: int, words_per_doc: int, seed: int) -> list[str]:
    """``n_docs`` documents of random words (some capitalised)."""
    rng = random.Random(seed)
    words = VOCABULARY + [word.title() for word in VOCABULARY[:3]]
    return [" ".join(rng.choices(words, k=words_per_doc)) for _ in range(n_docs)]


def write_shards(docs: list[str], shard_size: int, folder: Path) -> list[Path]:
    """Write the documents to ``folder`` as text files of ``shard_size`` lines each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(docs), shard_size):
        path = folder / f"shard-{start // shard_size:04d}.txt"
        path.write_text("\n".join(docs[start : start + shard_size]) + "\n")
        paths.append(path)
    return paths


def count_words(text: str, tokenize: Tokenize, stopwords: list[str]) -> Counter[str]:
    """The words of ``text`` that pass ``tokenize``'s rules and are no stopword, counted."""
    words = text.lower().split() if tokenize.lowercase else text.split()
    return Counter(w for w in words if len(w) >= tokenize.min_length and w not in stopwords)
