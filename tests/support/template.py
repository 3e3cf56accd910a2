"""The template under test: its folder, its questions and its pre-gen hook as a module."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parents[2]
# cookiecutter.json as written: defaults, choice lists, derived defaults, prompts, extensions.
OPTIONS: dict[str, Any] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text("utf-8"))
# The questions cookiecutter asks: its public keys (``_extensions`` and ``__prompts__`` are not).
QUESTIONS = [key for key in OPTIONS if not key.startswith("_")]
# The questions answered by picking one of a list (cookiecutter's choice variables, a numbered
# menu), and their choices.
CHOICES: dict[str, list[str]] = {
    key: value for key, value in OPTIONS.items() if key in QUESTIONS and isinstance(value, list)
}
# Each question's default: a choice question's is its first choice (cookiecutter's menu default).
DEFAULTS: dict[str, str] = {
    key: value[0] if isinstance(value, list) else value
    for key, value in OPTIONS.items()
    if key in QUESTIONS
}
# Folders of a working copy that are no part of the template (tools, caches, scratch).
NOT_TEMPLATE = {".git", ".venv", ".scratch", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def template_files() -> list[str]:
    """The template's files as a commit would hold them: tracked and untracked, not ignored."""
    if (TEMPLATE_DIR / ".git").exists():
        listing = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard"],
            cwd=TEMPLATE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return sorted(name for name in set(listing.split("\0")) if (TEMPLATE_DIR / name).is_file())
    return sorted(
        str(path.relative_to(TEMPLATE_DIR))
        for path in TEMPLATE_DIR.rglob("*")
        if path.is_file()
        and not (NOT_TEMPLATE | {".hypothesis"}).intersection(path.relative_to(TEMPLATE_DIR).parts)
        and "__pycache__" not in path.parts
    )


@functools.cache
def bake_source() -> Path:
    """A copy of the template's files (template_files) that the tests bake from.

    cookiecutter copies the whole template folder before it runs the pre-prompt hook: the working
    copy's .venv would make every bake some 10 s slower. The copy is named after a hash of the
    files, so it is made once for every test process (xdist workers share it) and never stale.
    """
    names = template_files()
    digest = hashlib.sha256(str(TEMPLATE_DIR).encode() + b"\0")  # two checkouts never share
    for name in names:
        digest.update(name.encode() + b"\0" + (TEMPLATE_DIR / name).read_bytes() + b"\0")
    target = Path(tempfile.gettempdir()) / f"template-source-{digest.hexdigest()[:16]}"
    source = target / TEMPLATE_DIR.name
    if not source.is_dir():
        staging = Path(tempfile.mkdtemp(prefix=f"{target.name}-"))
        for name in names:
            (staging / TEMPLATE_DIR.name / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_DIR / name, staging / TEMPLATE_DIR.name / name)
        try:
            os.rename(staging, target)
        except OSError:  # another process made it first
            shutil.rmtree(staging, ignore_errors=True)
    return source


def hook(name: str) -> ModuleType:
    """``hooks/<name>.py`` as a module, unrendered: the hooks read their answers only when run
    as scripts, so importing them is safe."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def pre_gen() -> ModuleType:
    """The pre-gen hook: its ``CHECKS``, ``rules``, ``read_options`` and ``validate``."""
    return hook("pre_gen_project")


@functools.cache
def post_gen() -> ModuleType:
    """The post-gen hook: its ``CI_FILES``, ``public_answers`` and ``remove_other_ci``."""
    return hook("post_gen_project")


def validate(answers: Mapping[str, object], given: Mapping[str, object] | None = None) -> list[str]:
    """The hook's refusals of ``answers``, with this template's cookiecutter.json as it reads it
    at hook time (its choices; which answers are derived)."""
    refusals: list[str] = pre_gen().validate(answers, OPTIONS, given)
    return refusals
