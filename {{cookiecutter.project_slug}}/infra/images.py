"""The container images the tasks run in: their references, and building, pushing or checking them.

``hydra.launcher.images`` names the images: ``default`` for every task, plus extras a task picks
with ``container_image``. Each is ``<repository>:<tag>``, the tag defaulting to the launch's
version, so an image and the tasks registered with it always carry the same version. Remote mode
calls ``prepare_images`` once the version is known and before anything is registered:

* ``build=true``: build each distinct image (images with the same reference and recipe are built
  once) with ``builder``: ``docker``, ``podman``, ``buildah``, or ``auto`` (docker if its daemon
  answers, else podman, else buildah); then, with ``push=true``, push them all;
* ``build=false``: check that each image is in its registry (with skopeo, else ``docker manifest
  inspect``, else the registry's HTTP API), or say clearly that it could not be checked.

Commands are argument lists, never shell strings; each is echoed before it runs, and a non-zero
exit stops the launch with the command and the end of its output. Everything that can be checked
without the network (the builder is there and works, Dockerfiles exist, no two images clash) is
checked before the first command runs: call ``plan_images`` early to fail even sooner.

``make image`` / ``make push`` run this same step from the command line:
``python -m infra.images [--push] [--config-name multi_task] [hydra overrides]``.
"""

import argparse
import json
import logging
import re
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra.config import ImageConfig, LauncherConfig
from infra.errors import LauncherError

DEFAULT_IMAGE = "default"
BUILDERS = ("docker", "podman", "buildah")
# Registries docker reaches over plain HTTP without being told (its default "insecure
# registries"); podman, buildah and skopeo are told so with --tls-verify=false.
LOCAL_REGISTRY = re.compile(r"(localhost|127(\.\d+){3}|\[::1\])(:\d+)?")
MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
# Phrases with which skopeo and docker report a reference the registry does not have.
NOT_FOUND = ("manifest unknown", "no such manifest", "not found", "name unknown")

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
class ImagePlan:
    """What ``prepare_images`` will do: with a builder, run ``commands`` in order (every build,
    then every push); without one (``build=false``), check that ``images`` are in their registry."""

    images: list[Image]
    builder: str | None
    commands: list[list[str]]


def prepare_images(settings: LauncherConfig, version: str, refs: dict[str, str]) -> None:
    """Build and push the images of ``refs`` (from ``image_refs(settings, version)``), or with
    ``build=false`` check that they exist. Raises LauncherError with what to do on any failure."""
    run_image_plan(plan_images(settings, refs), version, push=settings.push)


def run_image_plan(plan: ImagePlan, version: str, push: bool) -> None:
    """Carry out a plan from ``plan_images``: run its commands, or check its images exist."""
    if plan.builder is None:
        check_images(plan.images)
        return
    refs = sorted(image.ref for image in plan.images)
    log.info(f"Images of version {version}, built with {plan.builder}: {refs}")
    for command in plan.commands:
        run(command)
    if not push:
        log.info("push=false: the images were built here, not pushed; no cluster can pull them")


def plan_images(settings: LauncherConfig, refs: dict[str, str]) -> ImagePlan:
    """Work out the image step and check all that can be checked offline; no network, no build."""
    images = distinct_images(settings, refs)
    if not settings.build:
        return ImagePlan(images, None, [])
    builder = select_builder(settings.builder)
    root = project_root()
    commands = [build_command(builder, image, root) for image in images]
    if settings.push:
        commands += [push_command(builder, image.ref) for image in images]
    return ImagePlan(images, builder, commands)


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
    return config.dockerfile, config.context, dict(config.build_args), list(config.build_options)


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
        reason = _last_line(result.stderr) or f"exit code {result.returncode}"
        return f"{builder} is installed but `{shlex.join(command)}` failed: {reason}"
    return None


def project_root() -> Path:
    """The project folder (where pyproject.toml is), against which Dockerfile and context paths
    are resolved; the working directory if this module is not installed from a project."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def build_command(builder: str, image: Image, root: Path) -> list[str]:
    """The argument list that builds ``image``; the Dockerfile and context must exist.

    The build argument ``FLYTE_INTERNAL_IMAGE`` is the image's own reference (the Dockerfile
    sets it in the image's environment, where flytekit looks for it).
    """
    config = image.config
    dockerfile, context = root / config.dockerfile, root / config.context
    if not dockerfile.is_file():
        raise LauncherError(f"image {image.ref}: no Dockerfile at {dockerfile}")
    if not context.is_dir():
        raise LauncherError(f"image {image.ref}: its build context {context} is not a folder")
    command = [builder, "build"]
    if builder == "buildah":
        command.append("--layers")  # docker and podman reuse cached layers unasked; buildah not
    command += ["--file", str(dockerfile), "--tag", image.ref]
    build_args = {"FLYTE_INTERNAL_IMAGE": image.ref, **config.build_args}
    for key, value in sorted(build_args.items()):
        command += ["--build-arg", f"{key}={value}"]
    return [*command, *config.build_options, str(context)]


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


# --- build=false: are the images in their registry? ---------------------------------------------


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


def image_in_registry(ref: str) -> tuple[bool | None, str]:
    """Whether the registry has ``ref`` (None: cannot tell), and how that was found out."""
    command = check_command(ref)
    if command is None:
        return registry_has_manifest(ref)
    shown = shlex.join(command)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"`{shown}` failed: {error}"
    if result.returncode == 0:
        return True, f"`{shown}`"
    reason = _last_line(result.stderr) or f"exit code {result.returncode}"
    if any(phrase in reason.lower() for phrase in NOT_FOUND):
        return False, f"`{shown}`: {reason}"
    return None, f"`{shown}` failed: {reason}"


def check_command(ref: str) -> list[str] | None:
    """A command that exits 0 if the registry has ``ref`` and knows the user's credentials
    (skopeo, else the docker CLI, which needs no daemon for this); None if neither is here."""
    local = is_local_registry(ref)
    if shutil.which("skopeo"):
        tls = ["--tls-verify=false"] if local else []
        return ["skopeo", "inspect", "--raw", *tls, f"docker://{ref}"]
    if shutil.which("docker"):
        return ["docker", "manifest", "inspect", *(["--insecure"] if local else []), ref]
    return None


def registry_has_manifest(ref: str, timeout: float = 15.0) -> tuple[bool | None, str]:
    """Ask the registry's HTTP API (``HEAD /v2/<repository>/manifests/<tag>``), anonymously: a
    registry that wants credentials gets a clear "cannot tell" (install skopeo or docker)."""
    registry, repository, reference = split_ref(ref)
    host = "registry-1.docker.io" if registry == "docker.io" else registry
    scheme = "http" if is_local_registry(ref) else "https"
    url = f"{scheme}://{host}/v2/{repository}/manifests/{reference}"
    headers = {"Accept": ", ".join(MANIFEST_TYPES)}
    try:
        status, challenge = _head(url, headers, timeout)
        if status == 401 and challenge.lower().startswith("bearer "):
            headers["Authorization"] = f"Bearer {_anonymous_token(challenge, timeout)}"
            status, _ = _head(url, headers, timeout)
    except (OSError, ValueError) as error:  # URLError is an OSError; ValueError: a bad token
        return None, f"the registry at {scheme}://{host} did not answer: {error}"
    if status == 200:
        return True, f"HEAD {url}"
    if status == 404:
        return False, f"HEAD {url}: 404"
    if status in (401, 403):
        return None, (
            f"{host} wants credentials to show {repository}; install skopeo or the docker CLI, "
            "which use your registry login"
        )
    return None, f"HEAD {url} answered {status}"


def _head(url: str, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """Status of a HEAD request and its WWW-Authenticate header; HTTP errors are statuses."""
    request = urllib.request.Request(url, headers=headers, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("WWW-Authenticate", "")


def _anonymous_token(challenge: str, timeout: float) -> str:
    """A pull token from the registry's token service, as an anonymous client gets one."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", None)
    if not realm:
        raise ValueError(f"no realm in the registry's challenge {challenge!r}")
    url = f"{realm}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        answer = json.load(response)
    token = answer.get("token") or answer.get("access_token")
    if not token:
        raise ValueError(f"the token service {realm} gave no token")
    return token


def split_ref(ref: str) -> tuple[str, str, str]:
    """Registry, repository and tag (or digest) of an image reference, with Docker's defaults:
    ``python:3.11`` is ``docker.io``, ``library/python``, ``3.11``."""
    name, reference = ref, "latest"
    if "@" in name:
        name, reference = name.split("@", 1)
    elif name.rfind(":") > name.rfind("/"):
        name, reference = name.rsplit(":", 1)
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first, rest, reference
    return "docker.io", name if "/" in name else f"library/{name}", reference


def is_local_registry(ref: str) -> bool:
    """Whether ``ref``'s registry is on this machine (plain HTTP, like Flyte's sandbox registry)."""
    return LOCAL_REGISTRY.fullmatch(split_ref(ref)[0]) is not None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


# --- make image / make push ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Build (``--push``: and push) the images a launch of a workflow would, tagged with the
    version it would use, from the launcher settings of its primary config and Hydra overrides."""
    parser = argparse.ArgumentParser(prog="python -m infra.images", description=main.__doc__)
    parser.add_argument("--push", action="store_true", help="push the images after building")
    parser.add_argument(
        "--workflow", required=True, help="the workflow module, e.g. <package>.workflows.<file>"
    )
    parser.add_argument("--config-name", help="its primary config (default: named like the file)")
    parser.add_argument("overrides", nargs="*", help="e.g. hydra.launcher.builder=podman")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config_name = args.config_name or args.workflow.rpartition(".")[2]
    try:
        settings, version = launch_settings(args.workflow, config_name, args.overrides)
        settings.build, settings.push = True, args.push
        refs = image_refs(settings, version)
        prepare_images(settings, version, refs)
    except LauncherError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for name, ref in refs.items():
        print(f"{name}: {ref}{'' if args.push else ' (built here, not pushed)'}")
    return 0


def launch_settings(
    workflow: str, config_name: str, overrides: Sequence[str]
) -> tuple[LauncherConfig, str]:
    """The launcher settings and the version a launch of ``workflow`` would use now; the module
    is imported first, as it stores its config's schema."""
    import importlib

    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from infra.plan import output_folders
    from infra.versioning import resolve_version

    root = project_root()
    try:
        importlib.import_module(workflow)
    except ImportError as error:
        raise LauncherError(f"cannot import the workflow module {workflow!r}: {error}") from error
    try:
        with initialize_config_dir(str(root / "conf"), version_base="1.3", job_name="images"):
            config = compose(config_name, list(overrides), return_hydra_config=True)
        settings: LauncherConfig = OmegaConf.to_object(config.hydra.launcher)
    except (HydraException, OmegaConfBaseException) as error:
        raise LauncherError(f"config {config_name!r} with {list(overrides)}: {error}") from error
    folders = output_folders(root, config, settings)
    version = resolve_version(
        settings.version, root, settings.domain, ignored=folders, force=settings.force
    )
    return settings, version


if __name__ == "__main__":
    sys.exit(main())
