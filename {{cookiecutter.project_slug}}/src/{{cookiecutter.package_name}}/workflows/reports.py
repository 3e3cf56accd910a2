"""A task's report: shown as its Flyte Deck, returned as an HTML file, saved by a local run.

A task that draws one is declared ``@task(..., enable_deck=True, deck_fields=())`` (its Deck
holds the report alone) and returns ``publish_report(...)``; on a cluster the report shows under
the task's "Flyte Deck" in the console, and its file is an output of the execution. A workflow
file's ``main`` passes the file to ``save_report``, which copies it into the run's Hydra output
folder, also when the task was a cache hit. (A cached report lives in a temporary folder of the
run that drew it: if that folder is gone, flytekit says so; ``pyflyte local-cache clear`` and run
again.)
"""

import logging
import shutil
from pathlib import Path

from flytekit import Deck, current_context
from flytekit.types.file import FlyteFile
from hydra.core.hydra_config import HydraConfig

from {{ cookiecutter.package_name }}.plots import html_page

log = logging.getLogger(__name__)

DECK_NAME = "Report"
FILE_NAME = "report.html"


def publish_report(fragment: str, title: str) -> FlyteFile:
    """In a task: show the HTML ``fragment`` as the task's Deck; return it as a page to open."""
    Deck(DECK_NAME, fragment)
    path = Path(current_context().working_directory) / FILE_NAME
    path.write_text(html_page(fragment, title), encoding="utf-8")
    return FlyteFile(str(path))


def save_report(report: FlyteFile) -> Path:
    """Copy a workflow's report into this run's Hydra output folder; returns where it went."""
    target = Path(HydraConfig.get().runtime.output_dir) / FILE_NAME
    shutil.copyfile(report.download(), target)
    log.info(f"report saved to {target}")
    return target
