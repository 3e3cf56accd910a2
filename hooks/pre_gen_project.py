"""Validate every answer before cookiecutter writes a file.

A bad name found later (by pip, Docker or flyteadmin) costs a user far more than a clear
refusal now, so every answer is checked, every problem is reported as ``key: rule (got value)``
and the hook exits 1; cookiecutter then removes the half-made project folder. An answer the user
never gave, derived from another one (``package_name`` from ``project_name``), is reported as
``key (derived from name 'value'): rule (got value); pass key=... or change name``: the user
learns which answer to change, or that this one can be given.

The rules for Flyte ids, the endpoint, the registry and emails are the baked project's own
(``infra/settings/rules.py``, loaded from the template): its launcher accepts exactly what this
hook does.
Every question of cookiecutter.json has a rule in CHECKS (tests/test_questions.py checks it);
the choices of a choice question are read from cookiecutter.json when the hook runs, so they are
written in one place.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import keyword
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType

# cookiecutter renders this file with Jinja (so Jinja's brackets appear nowhere else in it).
# tojson escapes ', so no answer can end this r'''...''' string; an answer pasted between
# quotes in Python source could, and would run.
ANSWERS_JSON = r'''{{ cookiecutter | tojson }}'''  # fmt: skip
# The answers as they stood before the prompt: cookiecutter.json with the user's --no-input
# key=value, extra_context and config defaults applied (a derived answer still holds its Jinja
# expression unless the user gave it). cookiecutter passes them as _cookiecutter (a replay passes
# the replayed answers); cruft passes none, hence the default.
GIVEN_JSON = r'''{{ _cookiecutter | default({}) | tojson }}'''  # fmt: skip

MAX_TEXT_LENGTH = 200
# The slug names a folder, a wheel and an image; the package name is written in import lines,
# which must stay within the project's 100 columns (the longest has 60 other characters).
MAX_SLUG_LENGTH = 100
MAX_PACKAGE_LENGTH = 40
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
# The template's folder, as its Jinja extension (template_paths.py) tells it to cookiecutter and
# cruft when they render this file.
TEMPLATE_FOLDER_JSON = r'''{{ template_folder | tojson }}'''  # fmt: skip
# The rules of Flyte ids, endpoints, registries and emails live in the project the template bakes,
# whose launcher checks its settings with them: this file loads that one copy.
RULES_FILE = Path("infra", "settings", "rules.py")


def template_folder() -> Path:
    """The template's folder: as rendered, else (imported unrendered by the template's tests)
    the parent of this file's folder."""
    try:
        return Path(json.loads(TEMPLATE_FOLDER_JSON))
    except ValueError:
        return Path(__file__).resolve().parents[1]


def load_rules(folder: Path) -> ModuleType:
    """``infra/settings/rules.py`` of the project template inside ``folder``, as a module."""
    (path,) = [
        root / RULES_FILE
        for root in folder.iterdir()
        if "cookiecutter" in root.name and (root / RULES_FILE).is_file()
    ]
    spec = importlib.util.spec_from_file_location("project_rules", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RULES = load_rules(template_folder())
# A default derived from other answers, as cookiecutter.json writes one, and the answers it names.
DERIVED_DEFAULT = re.compile(r"\{\{-?\s*cookiecutter\.")
REFERENCE = re.compile(r"\bcookiecutter\.([A-Za-z_][A-Za-z0-9_]*)")

# Every file the post-gen hook may remove (its CI_FILES, all providers; a test keeps them equal).
CI_PATHS = (".github/workflows/ci.yml", ".github/dependabot.yml", ".gitlab-ci.yml")

# A rule: None if the value is fine, else what the value must be ("must ...").
Check = Callable[[str], "str | None"]


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
    if not re.fullmatch(RULES.PATH_COMPONENT, value):
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


def one_of(choices: tuple[str, ...]) -> Check:
    """Choices are checked again because a replay file can bypass the prompt."""

    def check(value: str) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def any_string(value: str) -> str | None:
    """No rule beyond being a string (which validate checks)."""
    return None


class Choice:
    """The rule of a choice question: one of its list in cookiecutter.json.

    Choice questions are cookiecutter list questions (a numbered menu). cookiecutter checks a
    ``--no-input key=value`` answer itself (hooks/pre_prompt.py turns its traceback into one
    line); a replay file or cruft skips that check, so this hook checks the choice again. The
    lists are read when the hook runs (read_options, else the list the answers still hold), so
    adding a choice is one edit.
    """

    def check(self, key: str, options: Mapping[str, object] | None) -> Check:
        choices = (options or {}).get(key)
        if isinstance(choices, list) and all(isinstance(choice, str) for choice in choices):
            return one_of(tuple(choices))
        return any_string


CHOICE = Choice()

CHECKS: dict[str, Check | Choice] = {
    "project_name": check_title,
    "project_slug": check_slug,
    "package_name": check_package,
    "description": check_text,
    "author_name": check_text,
    "author_email": RULES.check_email,
    "license": CHOICE,
    "python_version": CHOICE,
    "flyte_project": RULES.check_flyte_id,
    "flyte_domain": RULES.check_flyte_id,
    "flyte_endpoint": RULES.check_endpoint,
    "image_registry": RULES.check_registry,
    "ci_provider": CHOICE,
    "example": CHOICE,
}


def rules(options: Mapping[str, object] | None) -> dict[str, Check]:
    """Every question's rule, the choice questions' from ``options`` (cookiecutter.json)."""
    return {
        key: rule.check(key, options) if isinstance(rule, Choice) else rule
        for key, rule in CHECKS.items()
    }


def read_options(answers: Mapping[str, object]) -> dict[str, object] | None:
    """cookiecutter.json of the template being baked; None where it cannot be found.

    This file runs as a rendered copy in a temporary folder, in the new project's folder:
    neither says where the template is. cookiecutter passes its folder as ``_repo_dir``.
    """
    folder = answers.get("_repo_dir")
    if not isinstance(folder, str):
        return None
    try:
        options = json.loads((Path(folder) / "cookiecutter.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return options if isinstance(options, dict) else None


def render_default(expression: str, answers: Mapping[str, object]) -> str | None:
    """``expression`` rendered as cookiecutter renders a default, with the final answers; None if
    that cannot be done in this process.

    The hook runs with cookiecutter's own interpreter, so cookiecutter's Jinja environment (and
    the template's extensions, from ``_repo_dir``) can be had; it is imported only when a
    derived-looking answer is refused, as the import takes a moment.
    """
    folder = answers.get("_repo_dir")
    if isinstance(folder, str) and folder not in sys.path:
        sys.path.append(folder)  # as cookiecutter does, for the template's _extensions
    try:
        from cookiecutter.environment import StrictEnvironment
        from cookiecutter.exceptions import CookiecutterException
        from jinja2 import TemplateError
    except ImportError:
        return None
    try:
        environment = StrictEnvironment(context={"cookiecutter": dict(answers)})
        rendered = environment.from_string(expression).render(cookiecutter=answers)
    except (CookiecutterException, TemplateError, ImportError, TypeError, ValueError):
        return None
    return rendered if isinstance(rendered, str) else None


class Origins:
    """Which answers the user gave, and which ones cookiecutter derived from them.

    An answer is derived when cookiecutter.json's default for it is an expression naming other
    answers (``cookiecutter.project_slug | ...``), the user did not give it before the prompt
    (``given``: cookiecutter's ``_cookiecutter``, where a given answer has replaced the
    expression) and its value is the expression's rendering (so it was not typed at the prompt
    either). Anything that cannot be told counts as given: the refusal then reads as before.
    """

    def __init__(
        self,
        answers: Mapping[str, object],
        options: Mapping[str, object] | None,
        given: Mapping[str, object] | None = None,
        render: Callable[[str, Mapping[str, object]], str | None] = render_default,
    ) -> None:
        self.answers = answers
        self.options = options or {}
        self.given = given or {}
        self.render = render
        self._derived: dict[str, bool] = {}

    def is_derived(self, key: str) -> bool:
        """True if cookiecutter derived ``key``'s value from other answers."""
        if key not in self._derived:
            self._derived[key] = self._find_derived(key)
        return self._derived[key]

    def _find_derived(self, key: str) -> bool:
        default = self.options.get(key)
        if not isinstance(default, str) or not DERIVED_DEFAULT.search(default):
            return False
        if key in self.given and self.given[key] != default:
            return False  # given before the prompt: --no-input key=value, extra_context, config
        return self.render(default, self.answers) == self.answers.get(key)

    def roots(self, key: str, seen: frozenset[str] = frozenset()) -> list[str]:
        """The answers a derived ``key`` comes from, through other derived ones ([] if given)."""
        if not self.is_derived(key) or key in seen:
            return []
        found: list[str] = []
        default = str(self.options[key])
        for name in dict.fromkeys(REFERENCE.findall(default)):
            if name not in self.answers:
                continue
            upstream = self.roots(name, seen | {key}) if self.is_derived(name) else [name]
            found += [root for root in upstream if root not in found]
        return found


def refusal(key: str, rule: str, value: object, origins: Origins) -> str:
    """``key: rule (got value)``, saying where a derived value came from and what to change."""
    roots = origins.roots(key)
    if not roots:
        return f"{key}: {rule} (got {value!r})"
    sources = " and ".join(f"{root} {origins.answers[root]!r}" for root in roots)
    return (
        f"{key} (derived from {sources}): {rule} (got {value!r});"
        f" pass {key}=... or change {' or '.join(roots)}"
    )


def validate(
    answers: Mapping[str, object],
    options: Mapping[str, object] | None,
    given: Mapping[str, object] | None = None,
) -> list[str]:
    """One refusal line per invalid answer, all answers checked.

    ``options`` is cookiecutter.json (the choices; which answers are derived), ``given`` the
    answers before the prompt (see GIVEN_JSON). Without ``options``, choices are not checked
    again and no answer is reported as derived; without ``given``, whether an answer was derived
    is told by its value alone.
    """
    origins = Origins(answers, options, given)
    errors = []
    for key, check in rules(options).items():
        value = answers.get(key)
        rule = check(value) if isinstance(value, str) else "must be a string"
        if rule:
            errors.append(refusal(key, rule, value, origins))
    return errors


def existing_record(project: Path) -> Path:
    """Where this hook tells the post-gen hook which CI files ``project`` had before the bake.

    Outside the project, so that nothing is left in it if the bake fails in between; the same
    function is in hooks/post_gen_project.py (hooks cannot import each other).
    """
    digest = hashlib.sha256(str(project.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hydra-flyte-template-{digest}.json"


def record_existing(answers: Mapping[str, object], project: Path = Path(".")) -> list[str]:
    """Record which CI and example files, and folders of theirs, ``project`` holds before any
    file is written.

    cookiecutter runs this hook in the project's folder once it exists: empty for a new project,
    the user's for a re-bake (``--overwrite-if-exists``). The post-gen hook removes the pipelines of
    the providers and the files of the examples not chosen, but never one recorded here: it was
    not this bake's to remove.
    """
    candidates = {Path(name) for name in CI_PATHS}
    candidates |= {folder for path in candidates for folder in path.parents[:-1]}
    examples = answers.get("_example_files")
    package = str(answers.get("package_name"))
    for patterns in examples.values() if isinstance(examples, dict) else ():
        for pattern in patterns:
            found = project.glob(pattern.replace("<package>", package))
            candidates |= {path.relative_to(project) for path in found}
    existing = sorted(str(path) for path in candidates if (project / path).exists())
    existing_record(project).write_text(json.dumps(existing), "utf-8")
    return existing


def main() -> int:
    """Report every invalid answer on stderr; a non-zero exit stops cookiecutter. Then record the
    CI files that were here before the bake (record_existing)."""
    answers = json.loads(ANSWERS_JSON)
    options = read_options(answers)
    errors = validate(answers, options, json.loads(GIVEN_JSON))
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 1
    record_existing(answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
