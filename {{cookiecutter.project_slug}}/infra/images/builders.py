"""Image builders (docker, podman, buildah): which one can run here, and the argument lists that
build and push an image with it. Commands are argument lists, never shell strings; ``run`` echoes
each one and stops the launch with its last lines when it fails."""

import os
import re
import shlex
import shutil
import subprocess
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from infra.errors import LauncherError, last_line
from infra.images.registry import is_local_registry
from infra.settings.schema import ImageConfig

BUILDERS = ("docker", "podman", "buildah")
SECRET_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def select_builder(choice: str) -> str:
    """The builder to use: ``choice`` if it can run here, or for ``auto`` the first of docker
    (with a running daemon), podman and buildah that can; else a LauncherError saying why not."""
    if choice != "auto" and choice not in BUILDERS:
        raise LauncherError(
            f"hydra.launcher.builder must be auto, {', '.join(BUILDERS)}; got {choice!r}"
        )
    problems = []
    for builder in BUILDERS if choice == "auto" else (choice,):
        problem = builder_problem(builder)
        if problem is None:
            return builder
        problems.append(problem)
    raise LauncherError(
        f"cannot build images here: {'; '.join(problems)}. Install docker (and start its daemon), "
        "podman or buildah and pick it with hydra.launcher.builder, or reuse images already "
        "pushed with hydra.launcher.build=false hydra.launcher.version=<their version>"
    )


def builder_problem(builder: str) -> str | None:
    """Why ``builder`` cannot build here, or None if it can. docker needs its daemon; podman
    may need its machine (macOS, Windows): both answer ``info`` only when they can build."""
    if shutil.which(builder) is None:
        return f"{builder} is not on PATH"
    if builder == "buildah":
        return None
    command = [builder, "info"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`{shlex.join(command)}` failed: {error}"
    if result.returncode != 0:
        reason = last_line(result.stderr) or f"exit code {result.returncode}"
        return f"{builder} is installed but `{shlex.join(command)}` failed: {reason}"
    return None


def build_command(builder: str, ref: str, config: ImageConfig, root: Path) -> list[str]:
    """The argument list that builds ``config`` as ``ref``; the Dockerfile and context (relative
    to the project folder ``root``) must exist.

    The build argument ``FLYTE_INTERNAL_IMAGE`` is the image's own reference (the Dockerfile
    sets it in the image's environment, where flytekit looks for it).
    """
    dockerfile, context = root / config.dockerfile, root / config.context
    if not dockerfile.is_file():
        raise LauncherError(f"image {ref}: no Dockerfile at {dockerfile}")
    if not context.is_dir():
        raise LauncherError(f"image {ref}: its build context {context} is not a folder")
    command = [builder, "build"]
    if builder == "buildah":
        command.append("--layers")  # docker and podman reuse cached layers unasked; buildah not
    command += ["--file", str(dockerfile), "--tag", ref]
    build_args = {"FLYTE_INTERNAL_IMAGE": ref, **config.build_args}
    for key, value in sorted(build_args.items()):
        command += ["--build-arg", f"{key}={value}"]
    for secret, variable in sorted(config.secrets.items()):
        command += ["--secret", secret_option(ref, secret, variable)]
    return [*command, *config.build_options, str(context)]


def secret_option(ref: str, secret: str, variable: str) -> str:
    """``id=<secret>,env=<variable>``: docker, podman and buildah read the build secret from the
    environment variable, so its value is never on a command line. The variable must be set."""
    if SECRET_ID.fullmatch(secret) is None:
        raise LauncherError(
            f"image {ref}: build secret id {secret!r} must be letters, digits, '_', '.' or '-'"
        )
    if ENV_NAME.fullmatch(variable) is None:
        raise LauncherError(
            f"image {ref}: build secret {secret!r} names {variable!r}, which is not an "
            "environment variable name"
        )
    if variable not in os.environ:
        raise LauncherError(
            f"image {ref}: build secret {secret!r} is read from the environment variable "
            f"{variable}, which is not set"
        )
    return f"id={secret},env={variable}"


def push_command(builder: str, ref: str) -> list[str]:
    """The argument list that pushes ``ref`` to its registry."""
    if builder == "docker":
        return ["docker", "push", ref]
    tls = ["--tls-verify=false"] if is_local_registry(ref) else []
    return [builder, "push", *tls, ref, f"docker://{ref}"]


def run(command: Sequence[str]) -> None:
    """Run ``command``, echoing it and its output; a non-zero exit is a LauncherError."""
    shown = shlex.join(command)
    print(f"+ {shown}", flush=True)
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
    except OSError as error:
        raise LauncherError(f"could not start `{shown}`: {error}") from error
    tail: deque[str] = deque(maxlen=20)
    assert process.stdout is not None
    with process.stdout:
        for line in process.stdout:
            print(line, end="", flush=True)
            tail.append(line.rstrip())
    code = process.wait()
    if code != 0:
        last = "\n".join(f"  {line}" for line in tail)
        raise LauncherError(f"`{shown}` failed with exit code {code}; its last lines:\n{last}")
