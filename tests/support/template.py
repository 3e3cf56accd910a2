"""The template under test: its folder, its questions and its pre-gen hook as a module."""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parents[2]
# cookiecutter.json as written: defaults, choice lists, derived defaults, prompts, extensions.
OPTIONS: dict[str, Any] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text("utf-8"))
# The questions cookiecutter asks: its public keys (``_extensions`` and ``__prompts__`` are not).
QUESTIONS = [key for key in OPTIONS if not key.startswith("_")]
# The questions answered by picking one of a list, and their choices (the default is the first;
# not cookiecutter list questions: see the pre-gen hook's Choice).
CHOICES: dict[str, list[str]] = OPTIONS["_choices"]


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
