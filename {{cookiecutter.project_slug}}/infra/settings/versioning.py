"""The one version shared by images, tasks, workflows and launch plans of a launch.

1. ``hydra.launcher.version`` if set, used exactly as given;
2. else from git: ``<tag or branch>-<short sha>``, plus ``-dirty`` when the project has changes
   that are not committed (Hydra's output folders and ignored files do not count);
3. else (no git, not a repository, no commit yet) ``tree-<hash>``: a hash of the project's files.

A derived version can get a random suffix in the development domain (``random_suffix=true``), so
each launch registers anew. A dirty tree is refused outside the development domain unless
``force=true``: what runs there should be reproducible from a commit.
"""

import hashlib
import os
import re
import secrets
import subprocess
from collections.abc import Iterable
from pathlib import Path

from infra.errors import LauncherError
from infra.settings.rules import check_version

DEVELOPMENT = "development"


def resolve_version(
    explicit: str | None,
    root: Path,
    domain: str,
    *,
    ignored: Iterable[str] = (),
    force: bool = False,
    random_suffix: bool = False,
) -> str:
    """The launch's version; ``ignored`` are top-level folders (Hydra outputs) never counted."""
    if random_suffix and domain != DEVELOPMENT:
        raise LauncherError(
            f"random_suffix is only for the {DEVELOPMENT} domain, not {domain!r}: set "
            "hydra.launcher.version or commit, so the version names the code"
        )
    if explicit is not None:
        problem = check_version(explicit)  # valid as an image tag and a Flyte version
        if problem is not None:
            raise LauncherError(f"hydra.launcher.version: {problem} (got {explicit!r})")
        return explicit
    version = git_version(root, ignored) or f"tree-{tree_hash(root, ignored)}"
    if version.endswith("-dirty") and domain != DEVELOPMENT and not force:
        raise LauncherError(
            f"{root} has uncommitted changes; commit them before registering to domain "
            f"{domain!r}, or set hydra.launcher.force=true"
        )
    if random_suffix:
        version += f"-{secrets.token_hex(3)}"
    return version


def git_version(root: Path, ignored: Iterable[str] = ()) -> str | None:
    """``<tag or branch>-<short sha>[-dirty]``, or None without git or without a commit."""
    sha = _git(root, "rev-parse", "--short=8", "HEAD")
    if sha is None:
        return None
    name = (
        _git(root, "describe", "--tags", "--exact-match", "HEAD")
        or _git(root, "symbolic-ref", "--short", "-q", "HEAD")
        or "detached"
    )
    excludes = [f":(exclude){folder}" for folder in ignored]
    dirty = _git(root, "status", "--porcelain", "--", ".", *excludes)
    return f"{sanitize(name)[:100]}-{sha}{'-dirty' if dirty else ''}"


def sanitize(name: str) -> str:
    """Replace what a Docker tag cannot hold: ``feature/x`` becomes ``feature-x``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip(".-") or "unnamed"


def tree_hash(root: Path, ignored: Iterable[str] = ()) -> str:
    """A hash of every file's path and content, skipping hidden files, caches and ``ignored``."""
    files = []
    for folder, subfolders, names in os.walk(root):
        skipped = set(ignored) if Path(folder) == root else set()
        subfolders[:] = sorted(name for name in subfolders if _kept(name) and name not in skipped)
        files += [Path(folder, name) for name in names if _kept(name)]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _kept(name: str) -> bool:
    """Hidden files and folders (``.git``, ``.venv``) and Python caches are not the source."""
    return not name.startswith(".") and name != "__pycache__"


def _git(root: Path, *args: str) -> str | None:
    """Output of a git command run in ``root``, or None if git is missing or the command fails."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None
