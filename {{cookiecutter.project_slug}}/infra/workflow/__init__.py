"""The user's workflow as the launcher sees it: which workflow a file launches, which part of the
job config feeds which input, and what may not leave this machine with it (environment values,
secret files). Imports only ``infra.errors``.

``binding``: The config binding rule: which part of a Hydra job config feeds which workflow
    input.
``build_hook``: hatchling's build hook for the wheel and the sdist
    (``[tool.hatch.build.hooks.custom]``).
``discovery``: Find what to launch: the workflow module under its importable name, the main
    workflow, and every task, sub-workflow and launch plan it reaches.
``env_values``: Config values taken from the environment stay on this machine.
``finite``: Workflow inputs hold finite numbers only: a NaN or an infinity in a config
    (``model.l2=nan``) is refused before any task runs, naming its key. Such a value compares
    unequal to itself, so it never hits Flyte's cache, and JSON (the sweep summary, the reports)
    cannot hold it.
``secret_files``: The one list of files that never leave this machine, whatever their case,
    wherever they are.
``shipping``: What leaves this machine with the code, decided here: an allow-list of what ships;
    the files that never ship, wherever they are and whatever their case, are
    infra/workflow/secret_files.py's list.
"""
