"""What leaves this machine with the code, decided here: an allow-list of what ships, and names
that never ship, wherever they are.

Three tools pack the project's files, each from a list of its own; tests/infra/test_shipping.py
checks each list against this module, and plants every secret name in every shipped folder:

* the image build context: ``.dockerignore`` (docker, podman and buildah read it) lets in only
  ``BUILD_CONTEXT``, then leaves out ``SECRET_FILES`` and ``SECRET_FOLDERS`` at any depth;
* the wheel the image installs: ``[tool.hatch.build.targets.wheel]`` in pyproject.toml ships the
  ``WHEEL`` folders, its ``exclude`` leaves out the secret names;
* the fast-registration archive (``fast_register=true``): flytekit packs the source root (``src/``)
  with ``fast_package_options()``, which keeps only its Python packages and no secret names.
"""

from fnmatch import fnmatchcase
from pathlib import Path, PurePath

from flytekit.constants import CopyFileDetection
from flytekit.tools.fast_registration import FastPackageOptions
from flytekit.tools.ignore import Ignore

# What the Dockerfile copies into the image's build.
BUILD_CONTEXT = ("pyproject.toml", "uv.lock", "README.md", "src/", "infra/", "hydra_plugins/")
# The folders the wheel is built from.
WHEEL = ("src/{{ cookiecutter.package_name }}", "infra", "hydra_plugins")
# Secret-looking files: environments, login files, keys and certificates, cloud credentials.
SECRET_FILES = (
    ".env",
    ".env.*",
    ".envrc",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "credentials.json",
    "*credentials*.json",
    "service-account*.json",
    "service_account*.json",
    "client_secret*.json",
    "kubeconfig",
)
# Folders of credentials (cloud CLIs, ssh, docker and kubectl logins): nothing in them ships.
SECRET_FOLDERS = (".aws", ".azure", "gcloud", ".gcloud", ".ssh", ".docker", ".kube", ".gnupg")


def is_secret(path: str) -> bool:
    """Whether a relative path is a secret-looking file or lies in a credentials folder."""
    *folders, name = PurePath(path).parts
    return any(fnmatchcase(name, pattern) for pattern in SECRET_FILES) or any(
        fnmatchcase(folder, pattern) for folder in folders for pattern in SECRET_FOLDERS
    )


class NotShipped(Ignore):
    """flytekit's ignore rule for the fast-registration archive of a source root: anything outside
    its Python packages (a folder with ``__init__.py``), and every secret name."""

    def _is_ignored(self, path: str) -> bool:
        top = PurePath(path).parts[0]
        in_package = top != path and (Path(self.root) / top / "__init__.py").is_file()
        return not in_package or is_secret(path)


def fast_package_options() -> FastPackageOptions:
    """How the source is packed for fast registration: every file flytekit's own ignores (git's,
    ``.dockerignore``, ``.flyteignore``, caches) and ``NotShipped`` leave in."""
    return FastPackageOptions([NotShipped], copy_style=CopyFileDetection.ALL)
