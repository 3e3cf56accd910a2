"""What leaves this machine with the code, decided here: an allow-list of what ships; the files
that never ship, wherever they are and whatever their case, are infra/workflow/secret_files.py's
list.

Each door packs the project's files from a list of its own; tests/infra/workflow/test_shipping.py
checks each against these lists and plants every kind of secret, in several cases, in every folder:

* the image build context: ``.dockerignore`` (docker, podman and buildah read it) lets in only
  ``BUILD_CONTEXT``, then leaves out the secret names at any depth; a file holding a private key
  under another name stops the launch before the build (``secrets_in``);
* the wheel and the sdist (``uv build``, and the image's own build): pyproject.toml's
  ``[tool.hatch.build]`` ships the ``WHEEL`` folders, excludes the secret names, and its build
  hook (infra/workflow/build_hook.py) refuses a file holding a private key;
* the fast-registration archive (``fast_register=true``, also inside a Flyte package): flytekit
  packs the source root (``src/``) with ``fast_package_options()``, which keeps only its Python
  packages and leaves out every secret file;
* git: ``.gitignore`` ignores the secret names.
"""

from collections.abc import Iterable
from pathlib import Path, PurePath

from flytekit.constants import CopyFileDetection
from flytekit.tools.fast_registration import FastPackageOptions
from flytekit.tools.ignore import Ignore

from infra.errors import LauncherError
from infra.workflow.secret_files import holds_private_key, is_secret, is_secret_name

# What the Dockerfile copies into the image's build.
BUILD_CONTEXT = ("pyproject.toml", "uv.lock", "README.md", "src/", "infra/", "hydra_plugins/")
# The folders the wheel is built from.
WHEEL = ("src/{{ cookiecutter.package_name }}", "infra", "hydra_plugins")


def secrets_in(root: Path, paths: Iterable[str]) -> list[str]:
    """Those of ``paths`` (relative to ``root``, files or folders) that are or hold a secret file
    a glob cannot see: one whose name says nothing but which holds a private key."""
    found = []
    for path in paths:
        top = root / path
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        found += [
            str(file.relative_to(root))
            for file in files
            if file.is_file()
            and not is_secret_name(file.relative_to(root))
            and holds_private_key(file)
        ]
    return found


def refuse_key_files(context: Path) -> None:
    """Stop before an image build whose context would hold a private key under a name the
    .dockerignore cannot tell (``secrets_in``)."""
    found = secrets_in(context, BUILD_CONTEXT)
    if found:
        raise LauncherError(
            f"refusing to build an image from {context}: {', '.join(found)} holds a private key"
            " (infra/workflow/secret_files.py). Keep keys out of the project: a Flyte secret,"
            " or a name the list ignores, e.g. *.key"
        )


class NotShipped(Ignore):
    """flytekit's ignore rule for the fast-registration archive of a source root: anything outside
    its Python packages (a folder with ``__init__.py``), and every secret name."""

    def _is_ignored(self, path: str) -> bool:
        top = PurePath(path).parts[0]
        in_package = top != path and (Path(self.root) / top / "__init__.py").is_file()
        return not in_package or is_secret(Path(self.root), path)


def fast_package_options() -> FastPackageOptions:
    """How the source is packed for fast registration: every file flytekit's own ignores (git's,
    ``.dockerignore``, ``.flyteignore``, caches) and ``NotShipped`` leave in."""
    return FastPackageOptions([NotShipped], copy_style=CopyFileDetection.ALL)
