"""The pipeline's logic: plain Python, configured by the ``step`` config group (``conf/step/``).

Replace it with your own: the workflow's task calls ``compute`` with the ``step`` sub-config.
"""

import random
from dataclasses import dataclass


@dataclass
class StepConfig:
    """Schema of the ``step`` config group (``conf/step/``)."""

    size: int  # how many samples to draw
    seed: int = 0  # of the random numbers


def compute(size: int, seed: int = 0) -> float:
    """The mean of ``size`` uniform random numbers drawn with ``seed``."""
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    draw = random.Random(seed)
    return sum(draw.random() for _ in range(size)) / size
