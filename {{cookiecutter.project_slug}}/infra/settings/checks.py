"""The launcher's settings checked as soon as they are loaded, before any build or network call.

Two kinds of check, each refusal one line ``hydra.launcher.<key>: <rule> (got <value>)``:

* every key must be a setting of infra/settings/schema.py's dataclasses. Hydra's ``+key=value``
appends a
  key even to a structured config, and the typed settings would quietly drop it;
* every value must follow the rule the cluster, the registry or the mail server applies later
  (infra/settings/rules.py): ids, endpoint, image repositories and tags, version, emails, phases,
  numbers.
"""

import dataclasses
import os
import tempfile
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from infra.errors import LauncherError
from infra.settings.rules import (
    check_email,
    check_endpoint,
    check_flyte_id,
    check_output_folder,
    check_poll_seconds,
    check_repository,
    check_seconds,
    check_tag,
    check_version,
)
from infra.settings.schema import LauncherConfig, Mode

PREFIX = "hydra.launcher"
PROJECT = Path(__file__).resolve().parents[2]  # infra/ is vendored at the project's top
REPOSITORY_NEEDED = "an image entry names the repository it is pushed to"
TERMINAL_PHASES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
NOTIFICATION_CHANNELS = ("email", "slack", "pagerduty")  # Flyte takes email addresses for each


def check_launcher_node(node: DictConfig) -> None:
    """Refuse keys of the composed ``hydra.launcher`` node that are no setting, and image entries
    without a repository."""
    refuse(unknown_keys(node, LauncherConfig, PREFIX) + image_entry_problems(node.images))


def image_entry_problems(images: DictConfig) -> list[str]:
    """One line per entry of ``hydra.launcher.images`` without a repository (one added by
    ``++hydra.launcher.images={gpu: {dockerfile: Dockerfile.gpu}}``, say)."""
    return [
        line(f"{PREFIX}.images.{name!s}.repository", f"must be set: {REPOSITORY_NEEDED}", None)
        for name in images
        if images[name].repository is None
    ]


def check_settings(settings: LauncherConfig) -> None:
    """Refuse values that break a rule, all of them at once."""
    refuse(value_problems(settings))


def refuse(problems: list[str]) -> None:
    if problems:
        raise LauncherError("\n".join(problems))


def unknown_keys(node: DictConfig, schema: type, prefix: str) -> list[str]:
    """``prefix.key`` lines for keys of ``node`` that ``schema`` (a dataclass) has no field for,
    looking inside nested settings and mappings of settings too."""
    types = typing.get_type_hints(schema)
    names = [field.name for field in dataclasses.fields(schema)]
    problems = []
    for key in node:
        key = str(key)
        full_key = f"{prefix}.{key}"
        if key not in types:
            problems.append(
                line(full_key, f"must be a setting: one of {', '.join(names)}", node[key])
            )
            continue
        value = node[key]
        if isinstance(value, DictConfig):
            problems += _nested_unknown_keys(value, types[key], full_key)
    return problems


def _nested_unknown_keys(node: DictConfig, field_type: object, prefix: str) -> list[str]:
    """Unknown keys of a nested setting, or of each value of a ``dict[str, <settings>]``."""
    if _is_settings(field_type):
        return unknown_keys(node, field_type, prefix)
    arguments = typing.get_args(field_type)
    if typing.get_origin(field_type) is not dict or not _is_settings(arguments[-1]):
        return []
    return [
        problem
        for name, value in node.items()
        if isinstance(value, DictConfig)
        for problem in unknown_keys(value, arguments[-1], f"{prefix}.{name!s}")
    ]


def _is_settings(value: object) -> typing.TypeGuard[type]:
    """Whether ``value`` is a dataclass of settings (not an instance of one)."""
    return isinstance(value, type) and dataclasses.is_dataclass(value)


def value_problems(settings: LauncherConfig) -> list[str]:
    """One line per value of ``settings`` that breaks its rule."""
    return [
        line(key, problem, value)
        for key, value, rule in rules_of(settings)
        if (problem := rule(value)) is not None
    ]


def rules_of(settings: LauncherConfig) -> Iterator[tuple[str, Any, Callable[[Any], str | None]]]:
    """Each checked setting: its full key, its value and its rule."""
    connection = settings.connection
    if connection.endpoint is not None:
        yield f"{PREFIX}.connection.endpoint", connection.endpoint, check_endpoint
    for timeout in ("timeout_seconds", "call_timeout_seconds", "upload_timeout_seconds"):
        yield f"{PREFIX}.connection.{timeout}", getattr(connection, timeout), check_seconds
    yield f"{PREFIX}.wait_timeout_seconds", settings.wait_timeout_seconds, check_seconds
    yield f"{PREFIX}.poll_seconds", settings.poll_seconds, check_poll_seconds
    if settings.mode is Mode.package:
        yield f"{PREFIX}.package_dir", settings.package_dir, writable_folder
    yield f"{PREFIX}.project", settings.project, check_flyte_id
    yield f"{PREFIX}.domain", settings.domain, check_flyte_id
    if settings.version is not None:
        yield f"{PREFIX}.version", settings.version, check_version
    for name, image in settings.images.items():
        yield f"{PREFIX}.images.{name}.repository", image.repository, check_repository
        if image.tag is not None:
            yield f"{PREFIX}.images.{name}.tag", image.tag, check_tag
    notifications = settings.notifications
    for index, phase in enumerate(notifications.phases):
        yield f"{PREFIX}.notifications.phases[{index}]", phase, terminal_phase
    for channel in NOTIFICATION_CHANNELS:
        for index, address in enumerate(getattr(notifications, channel)):
            yield f"{PREFIX}.notifications.{channel}[{index}]", address, check_email
    if any(getattr(notifications, channel) for channel in NOTIFICATION_CHANNELS):
        yield f"{PREFIX}.notifications.phases", notifications.phases, not_empty


def line(key: str, problem: str, value: object) -> str:
    """``key: problem (got value)``."""
    return f"{key}: {problem} (got {value!r})"


def writable_folder(value: str) -> str | None:
    """A folder the launcher can write into, or create, other than the project folder."""
    problem = check_output_folder(value, PROJECT)
    if problem is not None:
        return problem
    folder = Path(value).resolve()
    existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
    if not existing.is_dir():
        return f"must be a folder: {existing} is a file"
    try:  # the one sure test: make a folder there, and remove it
        os.rmdir(tempfile.mkdtemp(dir=existing))
    except OSError as error:
        return f"must be a folder this user can write: cannot create one in {existing} ({error})"
    return None


def terminal_phase(value: str) -> str | None:
    """A phase an execution ends in; notifications are sent on those only (any case)."""
    if value.upper() not in TERMINAL_PHASES:
        return f"must be a terminal phase: one of {', '.join(TERMINAL_PHASES)}"
    return None


def not_empty(value: list) -> str | None:
    """A list with something in it."""
    return None if value else "must name at least one phase when there are recipients"
