"""The one list of files that never leave this machine, whatever their case, wherever they are.

Plain standard-library Python: the launcher reads it (infra/workflow/shipping.py), and so does the
build hook of the wheel and the sdist (infra/workflow/build_hook.py), which runs where only the
build backend is installed. ``.gitignore``, ``.dockerignore`` and pyproject.toml's
``[tool.hatch.build]`` hold the same names as globs (``glob_lines``; tests/test_shipping.py checks
each file against it).

A file is secret when its name or a folder above it is on the list (any case), or, whatever its
name, when it holds a private key (``holds_private_key``: a PEM or PuTTY key, or a JSON file with
a ``"private_key"`` field, such as a cloud service-account key).
"""

import re
from fnmatch import fnmatchcase
from pathlib import Path, PurePath

# Config files a name can give away: a "secret" or a "token" in a file with one of these endings.
CONFIG_ENDINGS = ("json", "yaml", "yml", "toml", "ini", "cfg", "conf", "txt", "properties", "xml")
TOKEN_NAMES = ("token", "*.token", "*-token", "*_token")
# Secret-looking file names, lowercase (matched in any case).
SECRET_NAMES = (
    # environments
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    # secrets and tokens in config files
    "secrets.*",
    *(f"*secret*.{ending}" for ending in CONFIG_ENDINGS),
    "token",
    "*.token",
    "*-token",
    "*_token",
    ".vault-token",
    *(f"{name}.{ending}" for name in TOKEN_NAMES for ending in CONFIG_ENDINGS),
    # login files
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".dockercfg",
    # private keys and keystores: PEM, PKCS#8 and #12, Java, PuTTY, OpenSSH
    "*.pem",
    "*.key",
    "*.p8",
    "*.pk8",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.ppk",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    # cloud tools
    ".s3cfg",
    ".boto",
    "credentials",
    "*credentials*.json",
    "service-account*.json",
    "service_account*.json",
    # Terraform variables and state
    "*.tfvars",
    "*.tfvars.json",
    "*.tfstate",
    "*.tfstate.*",
    # htpasswd
    ".htpasswd",
    "htpasswd",
    "*.htpasswd",
    # Kubernetes
    "kubeconfig",
    "kubeconfig.*",
    "*.kubeconfig",
)
# Folders of credentials: nothing in them ships.
SECRET_FOLDERS = (
    ".aws",
    ".azure",
    "gcloud",
    ".gcloud",
    ".ssh",
    ".docker",
    ".kube",
    ".gnupg",
    ".terraform",
)
# A PEM block (PKCS#1 and #8, OpenSSH, encrypted) or a PuTTY key file's first line.
PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|\APuTTY-User-Key-File-[0-9]+:")
JSON_PRIVATE_KEY = re.compile(rb'"private_key"\s*:')
# Files larger than this are data, not keys: only their beginning is read.
READ_LIMIT = 1 << 20


def is_secret_name(path: str | PurePath) -> bool:
    """Whether a relative path's name or one of its folders is on the list, in any case."""
    *folders, name = (part.lower() for part in PurePath(path).parts)
    return any(fnmatchcase(name, pattern) for pattern in SECRET_NAMES) or any(
        folder in SECRET_FOLDERS for folder in folders
    )


def holds_private_key(file: Path) -> bool:
    """Whether a file holds a private key, whatever its name."""
    try:
        with file.open("rb") as stream:
            head = stream.read(READ_LIMIT)
    except OSError:
        return False
    if PRIVATE_KEY.search(head):
        return True
    return file.suffix.lower() == ".json" and JSON_PRIVATE_KEY.search(head) is not None


def is_secret(root: Path, path: str | PurePath) -> bool:
    """Whether ``path`` (relative to ``root``) must never ship, by its name or by what it holds."""
    return is_secret_name(path) or holds_private_key(root / path)


def any_case(pattern: str) -> str:
    """A glob matching ``pattern`` in any case: ``.env`` becomes ``.[eE][nN][vV]``."""
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in pattern)


def glob_lines(prefix: str = "", folder_suffix: str = "/") -> list[str]:
    """The list as case-insensitive globs, ``prefix`` before each (``**/`` for .dockerignore),
    ``folder_suffix`` after each folder (``/**`` for .dockerignore)."""
    names = [prefix + any_case(name) for name in SECRET_NAMES]
    return names + [prefix + any_case(folder) + folder_suffix for folder in SECRET_FOLDERS]


# Where each ignore file wants the list: (prefix, folder suffix, line format).
IGNORE_FILES = {
    ".gitignore": ("", "/", "{}"),
    ".dockerignore": ("**/", "/**", "{}"),
    "pyproject.toml": ("", "/", '    "{}",'),
}

if __name__ == "__main__":
    # `python -m infra.workflow.secret_files .gitignore` prints the lines that file holds, after a
    # change.
    import sys

    prefix, folder_suffix, line = IGNORE_FILES[sys.argv[1]]
    print("\n".join(line.format(glob) for glob in glob_lines(prefix, folder_suffix)))
