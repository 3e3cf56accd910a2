"""A container registry, asked whether it has an image: with skopeo, else ``docker manifest
inspect`` (both use the user's registry login), else the registry's HTTP API, anonymously.

Image references follow Docker's defaults (``python:3.11`` is ``docker.io/library/python:3.11``);
a registry on this machine (Flyte's sandbox registry) is spoken to over plain HTTP.
"""

import json
import re
import shlex
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from infra.errors import LauncherError, last_line
from infra.settings.hosts import is_this_machine

MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
# Phrases with which skopeo and docker report a reference the registry does not have.
NOT_FOUND = ("manifest unknown", "no such manifest", "not found", "name unknown")


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
    reason = last_line(result.stderr) or f"exit code {result.returncode}"
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
            token = _anonymous_token(challenge, timeout, local=scheme == "http")
            headers["Authorization"] = f"Bearer {token}"
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
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("WWW-Authenticate", "")


def _anonymous_token(challenge: str, timeout: float, local: bool) -> str:
    """A pull token from the registry's token service, as an anonymous client gets one. The
    service (the challenge's realm) must be https, or http on this machine for a registry on
    this machine: any other realm (``file://``, plain http elsewhere) is refused, never read."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", None)
    if not realm:
        raise ValueError(f"no realm in the registry's challenge {challenge!r}")
    service = urllib.parse.urlsplit(realm)
    loopback = service.scheme == "http" and local and is_this_machine(service.netloc)
    if service.scheme != "https" and not loopback:
        raise LauncherError(
            f"the registry's token service {realm!r} is refused: a token realm must be https "
            "(or http on this machine, for a registry on this machine)"
        )
    url = f"{realm}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=timeout) as response:
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
    """Whether ``ref``'s registry is on this machine (plain HTTP, like Flyte's sandbox registry).
    docker reaches such registries over HTTP unasked (its default "insecure registries");
    podman, buildah and skopeo are told so with --tls-verify=false."""
    return is_this_machine(split_ref(ref)[0])
