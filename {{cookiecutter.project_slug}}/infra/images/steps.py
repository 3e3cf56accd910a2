"""The container images the tasks run in: their references, and the step that builds, pushes or
checks them.

``hydra.launcher.images`` names the images: ``default`` for every task, plus extras a task picks
with ``container_image``. Each is ``<repository>:<tag>``, the tag defaulting to the launch's
version, so an image and the tasks registered with it always carry the same version. Remote mode
runs the image step once the version is known and before anything is registered:

* ``build=true``: build each distinct image (images with the same reference and recipe are built
  once) with ``builder`` (infra/images/builders.py); then, with ``push=true``, push them all;
* ``build=false``: check that each image is in its registry (infra/images/registry.py), or say
clearly
  that it could not be checked.

Everything that can be checked without the network (the builder is there and works, Dockerfiles
exist, no two images clash) is checked by ``image_steps``, before the first command runs.
``make image`` / ``make push`` run the same step from the command line (infra/images/command.py).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra.errors import LauncherError
from infra.images.builders import build_command, push_command, run, select_builder
from infra.images.registry import image_in_registry
from infra.settings.schema import ImageConfig, LauncherConfig
from infra.workflow.shipping import refuse_key_files

DEFAULT_IMAGE = "default"

log = logging.getLogger(__name__)


def image_refs(settings: LauncherConfig, version: str) -> dict[str, str]:
    """``repository:tag`` of every configured image; a tag defaults to the workflow version."""
    if DEFAULT_IMAGE not in settings.images:
        raise LauncherError(
            f"hydra.launcher.images needs a {DEFAULT_IMAGE!r} image; it has "
            f"{sorted(settings.images)}"
        )
    return {
        name: f"{image.repository}:{image.tag or version}"
        for name, image in settings.images.items()
    }


@dataclass
class Image:
    """One image to build or check, and the names in ``hydra.launcher.images`` that share it."""

    ref: str
    config: ImageConfig
    names: list[str] = field(default_factory=list)


@dataclass
class ImageSteps:
    """What the image step will do: with a builder, run ``commands`` in order (every build, then
    every push); without one (``build=false``), check that ``images`` are in their registry."""

    images: list[Image]
    builder: str | None
    commands: list[list[str]]


def prepare_images(settings: LauncherConfig, refs: dict[str, str], root: Path) -> None:
    """Build and push the images of ``refs`` (from ``image_refs``), or with ``build=false`` check
    that they exist. Raises LauncherError with what to do on any failure."""
    run_image_steps(image_steps(settings, refs, root), push=settings.push)


def run_image_steps(steps: ImageSteps, push: bool) -> None:
    """Carry out ``image_steps``: run its commands, or check its images exist."""
    if steps.builder is None:
        check_images(steps.images)
        return
    log.info(f"Images built with {steps.builder}: {sorted(image.ref for image in steps.images)}")
    for command in steps.commands:
        run(command)
    if not push:
        log.info("push=false: the images were built here, not pushed; no cluster can pull them")


def image_steps(settings: LauncherConfig, refs: dict[str, str], root: Path) -> ImageSteps:
    """Work out the image step and check all that can be checked offline; no network, no build.
    Dockerfiles and contexts are relative to the project folder ``root``."""
    images = distinct_images(settings, refs)
    if not settings.build:
        return ImageSteps(images, None, [])
    for image in images:
        refuse_key_files(root / image.config.context)
    builder = select_builder(settings.builder)
    commands = [build_command(builder, image.ref, image.config, root) for image in images]
    if settings.push:
        commands += [push_command(builder, image.ref) for image in images]
    return ImageSteps(images, builder, commands)


def distinct_images(settings: LauncherConfig, refs: dict[str, str]) -> list[Image]:
    """One Image per reference; two names for one reference must share the recipe too."""
    images: dict[str, Image] = {}
    for name, ref in refs.items():
        config = settings.images[name]
        image = images.setdefault(ref, Image(ref, config))
        if _recipe(image.config) != _recipe(config):
            raise LauncherError(
                f"images {image.names[0]!r} and {name!r} are both {ref} but are built differently: "
                "give one of them its own repository or tag"
            )
        image.names.append(name)
    return list(images.values())


def _recipe(config: ImageConfig) -> tuple:
    return (
        config.dockerfile,
        config.context,
        dict(config.build_args),
        list(config.build_options),
        dict(config.secrets),
    )


def check_images(images: Sequence[Image]) -> None:
    """Fail if an image is certainly missing from its registry; warn when it cannot be told."""
    missing, unknown = [], []
    for image in images:
        found, detail = image_in_registry(image.ref)
        if found is False:
            missing.append(f"{image.ref} ({detail})")
        elif found is None:
            unknown.append(f"{image.ref}: {detail}")
        else:
            log.info(f"build=false: {image.ref} is in its registry ({detail})")
    if missing:
        raise LauncherError(
            f"build=false, but these images are not in their registry: {', '.join(missing)}. "
            "Set hydra.launcher.version to a version that was pushed, or build with build=true"
        )
    for problem in unknown:
        log.warning(
            f"build=false: could not check that {problem}. Registering anyway: if the image is "
            "missing, the tasks' pods will fail to pull it"
        )
