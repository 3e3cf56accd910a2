"""Validate every answer before cookiecutter writes a file.

A bad name found later (by pip, Docker or flyteadmin) costs a user far more than a clear
refusal now, so every answer is checked, every problem is reported as ``key: rule (got value)``
and the hook exits 1; cookiecutter then removes the half-made project folder.
"""

from __future__ import annotations

import ipaddress
import json
import keyword
import re
import sys
import unicodedata

# cookiecutter renders this file with Jinja. tojson escapes ', so no answer can end this
# r'''...''' string; an answer pasted between quotes in Python source could, and would run.
ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''  # fmt: skip

MAX_TEXT_LENGTH = 200
# The slug names a folder, a wheel and an image; the package name is written in import lines,
# which must stay within the project's 100 columns (the longest has 60 other characters).
MAX_SLUG_LENGTH = 100
MAX_PACKAGE_LENGTH = 40
PYTHON_VERSIONS = ("3.10", "3.11", "3.12")
CI_PROVIDERS = ("github", "gitlab", "none")
# Dependencies and the generated project's own top-level packages.
RESERVED_PACKAGES = frozenset(
    ["hydra", "flytekit", "flyteidl", "omegaconf", "infra", "hydra_plugins", "tests", "test"]
    + ["typing", "yaml", "grpc", "google", "pytest"]
)
WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{kind}{n}" for kind in ("com", "lpt") for n in range(1, 10)]
)
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")

PEP508_NAME = re.compile(r"([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])", re.IGNORECASE)
PACKAGE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
FLYTE_ID = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
HOST_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
PORT = re.compile(r"[0-9]{1,5}")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://+|dns:/*")
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
HOST_NAME = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(
    ATOM + r"(\." + ATOM + ")*@(" + HOST_NAME + r"\.)+([A-Za-z]{2,63}|xn--[a-z0-9-]+)"
)
# github.com/distribution/reference: domain[:port], then lowercase path components, no tag.
OCI_PATH_COMPONENT = r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
OCI_REGISTRY = re.compile(
    rf"(?P<host>{HOST_NAME}(\.{HOST_NAME})*|\[[0-9A-Fa-f:.]+\])(:(?P<port>[0-9]+))?"
    rf"(/{OCI_PATH_COMPONENT})*"
)


def is_printable(char: str) -> bool:
    """True unless ``char`` is a control, line break, surrogate, bidi control or noncharacter.

    Answers land in TOML, YAML, Markdown and Python files; such characters break them or hide
    what the text says. Everything else (quotes, backslashes, braces, emoji, any script) is fine.
    """
    code = ord(char)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
    category = unicodedata.category(char)
    return (
        category not in {"Cc", "Cs", "Zl", "Zp"} and char not in BIDI_CONTROLS and not noncharacter
    )


def check_text(value: str) -> str | None:
    """Free text (description, author) may say anything that fits on one printable line."""
    if len(value) > MAX_TEXT_LENGTH:
        return f"must be at most {MAX_TEXT_LENGTH} characters"
    if not all(map(is_printable, value)):
        return "must be one line of printable text: no control characters or line breaks"
    return None


def check_title(value: str) -> str | None:
    """The project name is free text too, but the README needs one to show."""
    if not value.strip():
        return "must not be empty"
    return check_text(value)


def check_slug(value: str) -> str | None:
    """The slug names the distribution (PEP 508), the project folder and the image."""
    if not PEP508_NAME.fullmatch(value):
        return (
            "must be a PEP 508 distribution name: letters, digits, '.', '_', '-',"
            " starting and ending with a letter or digit"
        )
    if len(value) > MAX_SLUG_LENGTH:
        return f"must be at most {MAX_SLUG_LENGTH} characters"
    if value != value.lower():
        return "must be lowercase"
    if not re.fullmatch(OCI_PATH_COMPONENT, value):
        return "must be a valid image name: no two separators ('.', '_', '-') in a row"
    if value.split(".")[0] in WINDOWS_DEVICES:
        return "must not be a reserved Windows device name"
    return None


def check_package(value: str) -> str | None:
    """The package is imported by name, so it must not be or shadow anything else."""
    if not value.isidentifier():
        return "must be a valid Python identifier"
    if keyword.iskeyword(value):
        return "must not be a Python keyword"
    if not PACKAGE_NAME.fullmatch(value):
        return "must be lowercase ASCII: letters, digits and '_'"
    if len(value) > MAX_PACKAGE_LENGTH:
        return f"must be at most {MAX_PACKAGE_LENGTH} characters"
    if value in getattr(sys, "stdlib_module_names", ()):
        return "must not shadow a standard-library module"
    if value in RESERVED_PACKAGES:
        return "must not shadow a dependency or a top-level package of the project"
    return None


def check_email(value: str) -> str | None:
    """pyproject.toml's authors table is validated as an email address by build backends."""
    if len(value) > 254 or not EMAIL.fullmatch(value):
        return "must be an email address like name@example.com, without spaces"
    return None


def check_flyte_id(value: str) -> str | None:
    """Flyte projects and domains become parts of Kubernetes namespace names."""
    if not FLYTE_ID.fullmatch(value):
        return (
            "must be a Flyte id: lowercase letters, digits and '-', starting with a letter,"
            " ending with a letter or digit, at most 63 characters"
        )
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
    """flytekit takes the endpoint as a bare gRPC host:port; a URL fails only at connect time."""
    scheme = SCHEME.match(value)
    if scheme:
        return f"must be host:port without a scheme: drop {scheme[0]!r}"
    host, colon, port = value.rpartition(":")
    if not colon or not is_host(host):
        return "must be host:port with a hostname, an IPv4 address or an [IPv6] address"
    if not is_port(port):
        return "must end with a port number from 1 to 65535"
    return None


def check_registry(value: str) -> str | None:
    """Image names are <registry>/<slug>:<version>: the registry part must keep that valid."""
    scheme = SCHEME.match(value)
    if scheme:
        return f"must be a registry without a scheme: drop {scheme[0]!r}"
    match = len(value) <= MAX_TEXT_LENGTH and OCI_REGISTRY.fullmatch(value)
    valid = bool(match) and is_host(match["host"])
    if valid and match["port"]:
        valid = is_port(match["port"])
    if not valid:
        return (
            "must be an image registry host[:port][/namespace] without tag or digest,"
            " path components lowercase"
        )
    return None


def one_of(choices: tuple[str, ...]):
    """Choices are checked again because a replay file or a config can bypass the prompt."""

    def check(value: str) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


CHECKS = {
    "project_name": check_title,
    "project_slug": check_slug,
    "package_name": check_package,
    "description": check_text,
    "author_name": check_text,
    "author_email": check_email,
    "python_version": one_of(PYTHON_VERSIONS),
    "flyte_project": check_flyte_id,
    "flyte_domain": check_flyte_id,
    "flyte_endpoint": check_endpoint,
    "image_registry": check_registry,
    "ci_provider": one_of(CI_PROVIDERS),
}


def validate(answers: dict) -> list[str]:
    """One ``key: rule (got value)`` line per invalid answer, all answers checked."""
    errors = []
    for key, check in CHECKS.items():
        value = answers.get(key)
        rule = check(value) if isinstance(value, str) else "must be a string"
        if rule:
            errors.append(f"{key}: {rule} (got {value!r})")
    return errors


def main() -> int:
    """Report every invalid answer on stderr; a non-zero exit stops cookiecutter."""
    errors = validate(json.loads(ANSWERS_JSON))
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
