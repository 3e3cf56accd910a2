"""``mode=package``: write what a cluster launch would register, offline (no Docker, no cluster).

``<package_dir>/<workflow module>-<version>.tgz`` is a Flyte package in the layout ``pyflyte
package`` writes: one protobuf file per task (``*_1.pb``), workflow (``*_2.pb``) and launch plan
(``*_3.pb``), which ``flytectl register files`` accepts. Beside it, a ``.json`` manifest lists
the version, the images, each task's image, resources, retries, timeout and interruptible, and
each job's launch plan with its inputs.
"""

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flytekit.models.task import TaskSpec
from flytekit.tools.repo import package
from hydra.core.utils import JobReturn

from infra.flyteadmin.serialization import Registrable, registrable_entities, serialization_settings
from infra.modes.launch import Launch, prepare_launch
from infra.settings.schema import LauncherConfig
from infra.settings.tasks import template_settings
from infra.sweeps.jobs import Sweep, run_jobs
from infra.sweeps.summary import JobResult
from infra.workflow.binding import plain
from infra.workflow.discovery import source_root
from infra.workflow.shipping import fast_package_options

log = logging.getLogger(__name__)


def launch_package(sweep: Sweep) -> list[JobReturn]:
    """Write the package and its manifest; each job returns its launch plan's name."""
    settings = sweep.settings
    launch = prepare_launch(sweep)
    serialization = serialization_settings(settings, launch.version, launch.images)
    entities = registrable_entities(
        launch.workflow, launch.launch_plans.values(), serialization, launch.tasks
    )
    folder = Path(settings.package_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{launch.module.__name__.rpartition('.')[2]}-{launch.version}"
    output = folder / f"{stem}.tgz"
    package(
        entities,
        source=str(source_root(launch.module)),
        output=str(output),
        fast_options=fast_package_options() if settings.fast_register else None,
    )
    manifest = folder / f"{stem}.json"
    manifest.write_text(
        json.dumps(manifest_of(launch, settings, output, entities), indent=2, default=str) + "\n"
    )
    log.info(f"Wrote {output} and {manifest}: {len(entities)} entities, version {launch.version}")
    return run_jobs(sweep, launch.jobs, lambda job: JobResult(launch.launch_plans[job.idx].name))


def manifest_of(
    launch: Launch, settings: LauncherConfig, output: Path, entities: Sequence[Registrable]
) -> dict[str, Any]:
    """What the package holds, for people and scripts: register it, then run its launch plans."""
    return {
        "package": output.name,
        "project": settings.project,
        "domain": settings.domain,
        "version": launch.version,
        "workflow": launch.workflow.name,
        "images": launch.images,
        "tasks": {
            entity.template.id.name: template_settings(entity)
            for entity in entities
            if isinstance(entity, TaskSpec)
        },
        "launch_plans": [
            {
                "name": launch.launch_plans[job.idx].name,
                "job": job.idx,
                "overrides": job.overrides,
                "inputs": {name: plain(value) for name, value in job.inputs.items()},
            }
            for job in launch.jobs
        ],
    }
