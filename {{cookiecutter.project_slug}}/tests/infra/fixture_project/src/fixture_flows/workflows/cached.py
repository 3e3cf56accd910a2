"""Plain cached tasks, an input that is not in the config (``label``) and task settings
(``total`` asks for a GPU in ``conf/cached.yaml``)."""

import hydra
from flytekit import task, workflow
from omegaconf import DictConfig

from fixture_flows.workflows import run


@task(cache=True, cache_version="1")
def numbers(cfg: DictConfig) -> list[float]:
    """``size.count`` numbers, scaled."""
    return [cfg.size.scale * index for index in range(cfg.size.count)]


@task(cache=True, cache_version="1")
def total(cfg: DictConfig, values: list[float], label: str) -> str:
    """The sum of ``values`` plus the config's ``offset``, labelled."""
    return f"{label}: {sum(values) + cfg.offset}"


@workflow
def pipeline(cfg: DictConfig, label: str) -> str:
    """Numbers from the config, then their labelled total."""
    return total(cfg=cfg, values=numbers(cfg=cfg), label=label)


@hydra.main(config_path="../../../conf", config_name="cached", version_base="1.3")
def main(cfg: DictConfig) -> str:
    """Run the workflow locally."""
    return pipeline(cfg=cfg, label=cfg.label)


if __name__ == "__main__":
    run(main, globals())
