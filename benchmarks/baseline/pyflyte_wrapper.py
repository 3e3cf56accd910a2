"""`pyflyte run` of the template's single-task workflow, which pyflyte cannot call directly.

`pyflyte run single_task.py pipeline --cfg '<json>'` fails in flytekit 1.16: the command line
decodes a STRUCT input as a dataclass, and DictConfig is not one. So this wrapper workflow passes
the composed config (a YAML file beside it, written by benchmarks/overhead.py) to the template's
workflow as a sub-workflow:

    pyflyte run pyflyte_wrapper.py bench_pipeline
"""

from pathlib import Path

from demand_forecast.workflows.single_task import pipeline
from demand_forecast.workflows.tasks import Evaluation
from flytekit import workflow
from omegaconf import OmegaConf

CONFIG = OmegaConf.load(Path(__file__).with_name("single_task.yaml"))


@workflow
def bench_pipeline() -> Evaluation:
    return pipeline(cfg=CONFIG)
