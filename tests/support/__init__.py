"""Helpers of the template's own tests, one job per module; no tests and no fixtures here.

Test modules import from here (``from support.baking import ...``), never from conftest.py or
from another test module: conftest.py holds the fixtures and pytest hooks only. pytest puts
``tests/`` on ``sys.path`` (``pythonpath`` in pyproject.toml), which makes this package importable.

- ``template``: the template's own files: its folder, cookiecutter.json, the pre-gen hook.
- ``answers``: a valid answer to every question.
- ``baking``: how tests bake (pytest-cookies in-process, or cookiecutter's command line) and why.
- ``baked_files``: what a bake must hold, and reading a baked tree.
- ``docs``: the table of questions in docs/options.md, as data.
- ``git``: a git identity and config for commits made by tests.
- ``fuzz_outcomes``: the property-based bakes' counts, reported at the end of the session.
- ``schedule``: which test modules ``make test`` starts first (the longest).
- ``targets``: running a baked project's Makefile targets as a user's shell does.
- ``pipelines``: removing the example and dropping in a user's pipeline (``tests/pipelines/``).
- ``terminal``: running a command under a pseudo-terminal and typing into it.
"""
