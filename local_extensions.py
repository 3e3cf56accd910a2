"""Jinja extensions of this template: literal user answers and escaping filters.

cookiecutter puts the template directory on ``sys.path`` and loads the names listed in
``cookiecutter.json["_extensions"]``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from html.entities import html5
from pathlib import Path

from cookiecutter.utils import simple_filter
from jinja2 import Environment
from jinja2.ext import Extension

HERE = Path(__file__).resolve().parent


def _walk_strings(value: object) -> Iterator[str]:
    """Yield every string in a JSON value, dict keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item)


def _template_sources() -> frozenset[str]:
    """The strings of cookiecutter.json and the hook scripts: the template's own Jinja."""
    strings = set(_walk_strings(json.loads((HERE / "cookiecutter.json").read_text("utf-8"))))
    hooks = HERE / "hooks"
    for hook in hooks.iterdir() if hooks.is_dir() else ():
        try:
            strings.add(hook.read_text(encoding="utf-8"))  # as cookiecutter reads it
        except (OSError, UnicodeDecodeError):
            continue
    return frozenset(strings)


def _project_folders() -> frozenset[str]:
    """Names of the project template folders (``{{cookiecutter.project_slug}}``)."""
    return frozenset(
        root.name
        for root in HERE.iterdir()
        if root.is_dir() and "cookiecutter" in root.name and "{{" in root.name
    )


def _template_paths() -> frozenset[str]:
    """Relative paths of the project template's folder and of everything inside it.

    cookiecutter renders file and folder names with ``from_string`` too: relative to the
    template folder for files, appended to the absolute output path for folders.
    """
    paths = set()
    for name in _project_folders():
        paths.add(name)
        for folder, dirs, files in os.walk(HERE / name):
            for entry in dirs + files:
                paths.add(os.path.relpath(os.path.join(folder, entry), HERE / name))
    return frozenset(paths)


class LiteralAnswers(Extension):
    """Render every string that is not the template's own as literal text.

    With ``--no-input key=value`` (and with values from a user config), cookiecutter renders
    the user's value with ``env.from_string``: ``{{ 7*7 }}`` would become ``49`` and a crafted
    answer could run code. Template files (loaded by name), the strings of cookiecutter.json,
    the hooks and the template's paths stay Jinja; any other ``from_string`` source becomes
    one Jinja expression whose value is the source, character for character. (An answer equal
    to one of the template's own strings renders like it: only the template's Jinja ever runs.)
    The project folder's name goes through ``one_new_folder``, so that the pre-gen hook, not a
    traceback, answers a slug that cannot name a folder.
    """

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._trusted = _template_sources()
        self._paths: frozenset[str] | None = None
        self._project_folders = _project_folders()
        environment.filters["one_new_folder"] = one_new_folder

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Return template sources unchanged and anything else as a literal expression."""
        if name is not None or source in self._trusted:
            return source
        if source in self._project_folders:
            return f"{{% filter one_new_folder %}}{source}{{% endfilter %}}"
        prefix, path = self._split_template_path(source)
        return self.literal(prefix) + path

    def _split_template_path(self, source: str) -> tuple[str, str]:
        """Split ``<absolute output folder>/<template path>``; else ``(source, "")``."""
        if self._paths is None:
            self._paths = _template_paths()
        if source in self._paths:
            return "", source
        for index, char in enumerate(source):
            if char == os.sep and source[index + 1 :] in self._paths:
                prefix = source[: index + 1]
                if os.path.isabs(prefix) and os.path.isdir(prefix):
                    return prefix, source[index + 1 :]
        return source, ""

    def literal(self, text: str) -> str:
        """A Jinja expression evaluating to ``text``.

        ``!a`` (``ascii()``) gives a quoted, ASCII-only literal; Jinja's lexer decodes string
        literals with ``unicode-escape``, which reverses every escape ``ascii()`` writes.
        """
        if not text:
            return ""
        env = self.environment
        return f"{env.variable_start_string} {text!a} {env.variable_end_string}"


# What the project folder is called while the pre-gen hook refuses an answer that cannot name it.
REFUSED_FOLDER = ".refused-project-slug"


def one_new_folder(name: str) -> str:
    """``name`` if it names exactly one new folder inside the output folder, else REFUSED_FOLDER.

    cookiecutter creates the project folder from the rendered slug *before* the pre-gen hook
    runs: ``a/b`` would leave ``a/`` behind when the hook refuses it, ``../x`` or ``/x`` would
    create a folder outside the output folder, and an empty name, a NUL byte, a lone surrogate or
    a name longer than the file system allows would stop cookiecutter with a traceback instead of
    the hook's message. The hook refuses every such slug, and cookiecutter then removes the folder.
    """
    try:
        size = len(os.fsencode(name))
    except UnicodeEncodeError:
        return REFUSED_FOLDER
    separators = {os.sep, os.altsep or os.sep, "\0"}
    if name in {"", ".", ".."} or size > 255 or any(char in separators for char in name):
        return REFUSED_FOLDER
    return name


def _unicode_escape(char: str, short: dict[str, str]) -> str:
    """``char`` as a short escape if it has one, else ``\\uXXXX`` or ``\\UXXXXXXXX``."""
    if char in short:
        return short[char]
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


_TOML_SHORT = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_TOML_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f]')

# What PyYAML's reader refuses (its NON_PRINTABLE), plus what YAML folds or strips inside a
# double-quoted scalar: line breaks (LF, CR, NEL, LS, PS), tab and the byte order mark.
_YAML_SHORT = {
    '"': '\\"',
    "\\": "\\\\",
    "\0": "\\0",
    "\t": "\\t",
    "\n": "\\n",
    "\r": "\\r",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_YAML_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]')
# What can open markup anywhere in a line: backslash escapes, code spans, emphasis, links,
# autolinks and HTML, table cells, (GFM) strikethrough, and ``&`` where it starts an entity.
_MARKDOWN_INLINE = re.compile(
    r"[\\`*_\[\]<>|~]|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|([A-Za-z][A-Za-z0-9]*;))"
)
# What opens a block at the start of a line: ATX heading, list item, setext underline or
# thematic break, block quote, code fence, and an ordered list marker (``1.`` or ``1)``).
_MARKDOWN_LINE_START = re.compile(r"^(?:[#+\-=>~]|[0-9]+[.)](?=[ \t]|\Z))")
# A closing sequence of an ATX heading (``# Title #``): a trailing run of ``#`` after a space.
_MARKDOWN_CLOSING_HASHES = re.compile(r"(?<=[ \t])#+\Z")


@simple_filter
def escape_toml(value: str) -> str:
    """A TOML basic string, quotes included, that TOML parsers read back as ``value``."""
    if re.search(r"[\ud800-\udfff]", value):
        raise ValueError(f"TOML cannot hold a lone surrogate: {value!r}")
    escaped = _TOML_ESCAPED.sub(lambda m: _unicode_escape(m[0], _TOML_SHORT), value)
    return f'"{escaped}"'


@simple_filter
def escape_yaml(value: str) -> str:
    """A one-line YAML double-quoted scalar, quotes included, that reads back as ``value``."""
    escaped = _YAML_ESCAPED.sub(lambda m: _unicode_escape(m[0], _YAML_SHORT), value)
    return f'"{escaped}"'


def _escape_markdown_inline(match: re.Match[str]) -> str:
    """Backslash-escape the match, but not ``&`` before a name that is no HTML entity."""
    name = match[1]
    return match[0] if name is not None and name not in html5 else f"\\{match[0]}"


@simple_filter
def escape_markdown(value: str) -> str:
    """``value`` as Markdown that renders as exactly that text, with as few escapes as it takes.

    Only what could open markup gets a backslash: the characters that start inline markup
    anywhere, and block markers at the start of the text (the filter's output starts a line
    or a heading). Ordinary punctuation (quotes, colons, hyphens, periods, parentheses, braces,
    ``!``) and non-ASCII text stay as typed. The output is meant for one line: a heading or a
    paragraph. Surrounding spaces and tabs are dropped: Markdown drops them anyway, and four
    of them would turn a paragraph into a code block.
    """
    text = _MARKDOWN_INLINE.sub(_escape_markdown_inline, value.strip(" \t"))
    text = _MARKDOWN_LINE_START.sub(lambda m: f"{m[0][:-1]}\\{m[0][-1]}", text)  # 1\. or \#
    return _MARKDOWN_CLOSING_HASHES.sub(r"\\\g<0>", text)
