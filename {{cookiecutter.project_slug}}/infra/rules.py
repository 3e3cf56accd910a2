"""What a Flyte id, an endpoint, an image reference and an email address must look like.

The one copy of these rules, in plain standard-library Python: the launcher checks its settings
with them (infra/checks.py), and the template's pre-gen hook loads this file to check the answers
that become those settings, so a project is never baked with a value its launcher refuses.
A rule returns None for a valid value, else what the value must be (``"must ..."``).
"""

import ipaddress
import re

# Flyte's project id is a DNS-1123 label (flyteadmin's ValidateProject), and so is a domain, as
# both name the Kubernetes namespace ``<project>-<domain>``; this rule also wants a letter first.
FLYTE_ID = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
HOST_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
PORT = re.compile(r"[0-9]{1,5}")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://+|dns:/*")
# Image references, as github.com/distribution/reference reads them: an optional registry
# (a host with a '.' or a port, or localhost), then lowercase path components; a tag.
PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
REGISTRY_HOST = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(:(?P<port>.*))?")
MAX_REPOSITORY_LENGTH = 255
# An image registry answer is followed by "/<project slug>" (up to 100 characters).
MAX_REGISTRY_LENGTH = MAX_REPOSITORY_LENGTH - 101
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
HOST_NAME = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(
    ATOM + r"(\." + ATOM + ")*@(" + HOST_NAME + r"\.)+([A-Za-z]{2,63}|xn--[a-z0-9-]+)"
)
MAX_EMAIL_LENGTH = 254


def check_flyte_id(value: str) -> str | None:
    """A Flyte project or domain id."""
    if not FLYTE_ID.fullmatch(value):
        return (
            "must be a Flyte id: lowercase letters, digits and '-', starting with a letter,"
            " ending with a letter or digit, at most 63 characters"
        )
    return None


def check_version(value: str) -> str | None:
    """A version of tasks, workflows and launch plans; images are tagged with it too, so it is
    an image tag (which also keeps it URL-safe, as flyteadmin wants)."""
    if not re.fullmatch(TAG, value):
        return f"must be an image tag: match {TAG}"
    return None


def check_tag(value: str) -> str | None:
    """An image tag."""
    if not re.fullmatch(TAG, value):
        return f"must match {TAG}"
    return None


def check_email(value: str) -> str | None:
    """An email address, as build backends and Flyte's notifications take one."""
    if len(value) > MAX_EMAIL_LENGTH or not EMAIL.fullmatch(value):
        return "must be an email address like name@example.com, without spaces"
    return None


def is_host(host: str) -> bool:
    """A hostname, a dotted IPv4 address or a bracketed IPv6 address."""
    if host.startswith("[") and host.endswith("]"):
        try:
            return bool(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            return False
    labels = host.split(".")
    if labels[-1].isdigit():
        try:
            return bool(ipaddress.IPv4Address(host))
        except ValueError:
            return False
    return len(host) <= 253 and all(HOST_LABEL.fullmatch(label) for label in labels)


def is_port(port: str) -> bool:
    """A TCP port number, 1 to 65535."""
    return bool(PORT.fullmatch(port)) and 1 <= int(port) <= 65535


def check_endpoint(value: str) -> str | None:
    """flyteadmin's gRPC endpoint, ``host:port``; a URL would fail only at connect time."""
    scheme = SCHEME.match(value)
    if scheme:
        return f"must be host:port without a scheme: drop {scheme[0]!r}"
    host, colon, port = value.rpartition(":")
    if not colon or not is_host(host):
        return "must be host:port with a hostname, an IPv4 address or an [IPv6] address"
    if not is_port(port):
        return "must end with a port number from 1 to 65535"
    return None


def is_registry(first: str) -> bool:
    """Whether the first component of an image name is a registry, as Docker decides: one with a
    '.' or a ':port', or localhost (``org/app`` is the Docker Hub namespace ``org``)."""
    return "." in first or ":" in first or first == "localhost"


def check_registry_host(value: str) -> str | None:
    """A registry: ``host[:port]``, the port from 1 to 65535."""
    match = REGISTRY_HOST.fullmatch(value)
    if match is None or not is_host(match["host"]) or not is_port(match["port"] or "1"):
        return f"must start with a registry host[:port], the port from 1 to 65535 (not {value!r})"
    return None


def check_repository(value: str) -> str | None:
    """An image repository, ``[registry[:port]/]path``, without tag or digest."""
    scheme = SCHEME.match(value)
    if scheme:
        return f"must be an image repository without a scheme: drop {scheme[0]!r}"
    if not value:
        return "must be an image repository like ghcr.io/org/name, not empty"
    if len(value) > MAX_REPOSITORY_LENGTH:
        return f"must be at most {MAX_REPOSITORY_LENGTH} characters"
    first, slash, rest = value.partition("/")
    if slash and is_registry(first):
        problem = check_registry_host(first)
        if problem:
            return problem
        value = rest
    if not all(re.fullmatch(PATH_COMPONENT, part) for part in value.split("/")):
        return (
            "must be [registry[:port]/]path, path components lowercase letters and digits"
            " joined by '.', '_', '__' or '-', without a tag (set the tag on its own)"
        )
    return None


def check_registry(value: str) -> str | None:
    """The registry images are pushed to, ``host[:port][/namespace]``: image repositories are
    ``<registry>/<name>``, so with a name it must be a repository whose first part is a registry."""
    scheme = SCHEME.match(value)
    if scheme:
        return f"must be a registry without a scheme: drop {scheme[0]!r}"
    if len(value) <= MAX_REGISTRY_LENGTH and not is_registry(value.partition("/")[0]):
        return (
            "must be an image registry host with a '.' or a ':port', or localhost"
            " (Docker reads any other first name as a Docker Hub namespace)"
        )
    if len(value) > MAX_REGISTRY_LENGTH or check_repository(f"{value}/name") is not None:
        return (
            "must be an image registry host[:port][/namespace] without tag or digest,"
            f" path components lowercase, at most {MAX_REGISTRY_LENGTH} characters"
        )
    return None
