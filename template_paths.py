"""A Jinja extension that names the template's folder, for the pre-gen hook to load files from.

It is a module of its own, not part of ``local_extensions``: an update with cruft renders the old
template first, and Python keeps the module it imported then. A module an older template never
had is imported fresh from the template being rendered.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension


class TemplateFolder(Extension):
    """``{{ template_folder }}``: the folder of this template's ``cookiecutter.json``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["template_folder"] = str(Path(__file__).resolve().parent)
