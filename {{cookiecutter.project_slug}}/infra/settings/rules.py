"""What a Flyte id, an endpoint, an image reference, an email address, a number of seconds and a
Kubernetes quantity must look like.

The one copy of these rules, in plain standard-library Python: the launcher checks its settings
with them (infra/settings/checks.py), and the template's pre-gen hook loads this file to check the
answers that become those settings, so a project is never baked with a value its launcher refuses.
A rule returns None for a valid value, else what the value must be (``"must ..."``).
"""

import ipaddress
import math
import re
from decimal import Decimal
from pathlib import Path

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
# Asking flyteadmin for the executions' phases more often than this only loads it (0.001 s sent
# over a thousand calls in 2 s); the tests' stand-in is polled this fast.
MIN_POLL_SECONDS = 0.05
# Kubernetes quantities, as k8s.io/apimachinery reads them; a value is kept in thousandths in a
# signed 64-bit integer, so none may exceed this many thousandths.
QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"(?:(?P<exponent>[eE][+-]?\d+)|(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?"
)
BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
DECIMAL = {"m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
MAX_MILLI_VALUE = (1 << 63) - 1


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


def check_seconds(value: float) -> str | None:
    """A timeout or an interval: a finite number of seconds greater than 0."""
    if not (math.isfinite(value) and value > 0):
        return "must be a finite number of seconds greater than 0"
    return None


def check_poll_seconds(value: float) -> str | None:
    """How often flyteadmin is asked for the phases of executions."""
    if not (math.isfinite(value) and value >= MIN_POLL_SECONDS):
        return f"must be a finite number of seconds, at least {MIN_POLL_SECONDS:g}"
    return None


def parse_quantity(text: str) -> Decimal:
    """The value of a Kubernetes quantity (``"1.5Gi"``, ``"250m"``); ValueError if it is none."""
    match = QUANTITY.fullmatch(text)
    if match is None:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    number = Decimal(match["number"])
    if match["exponent"]:
        return number.scaleb(int(match["exponent"][1:]))
    suffix = match["suffix"] or ""
    if suffix in BINARY:
        return number * 1024 ** BINARY[suffix]
    return number.scaleb(DECIMAL.get(suffix, 0))


def check_quantity(text: str) -> str | None:
    """A resource request: a Kubernetes quantity, 0 or more, within what Kubernetes can hold."""
    try:
        value = parse_quantity(text)
    except ValueError:
        return "must be a Kubernetes quantity: a number with an optional suffix, e.g. 500m, 2, 4Gi"
    if value < 0:
        return "must be 0 or more"
    if value * 1000 > MAX_MILLI_VALUE:
        return f"must be at most {Decimal(MAX_MILLI_VALUE).scaleb(-3)} (Kubernetes' largest)"
    return None


def check_limit(text: str) -> str | None:
    """A resource limit: a quantity as a request is, and more than 0 (0 leaves no room at all;
    leave a limit unset for none)."""
    problem = check_quantity(text)
    if problem is None and parse_quantity(text) == 0:
        return "must be more than 0: a limit of 0 leaves the task no room; leave it unset for none"
    return problem


def check_output_folder(value: str, project: Path) -> str | None:
    """A folder the launcher writes into, relative to the working folder: named, and never the
    project folder itself, where it would mix with the source."""
    if not value.strip():
        return "must name a folder, e.g. dist/flyte"
    if Path(value).resolve() == project.resolve():
        return f"must not be the project folder {project}: use a folder inside it, e.g. dist/flyte"
    return None
