"""Sweep jobs: each job's config and inputs, running them, the metric a search gets, and the
summary and charts written beside the jobs. Imports ``infra.settings`` and ``infra.workflow``.

``chart``: A chart of a sweep's metrics across its jobs: an HTML page with one bar chart per
    metric.
``compositions``: Each sweep job's config composed once: Hydra's sweepers compose every job of a
    batch to check it (``Sweeper.validate_batch_is_legal``) just before they hand the batch to
    the launcher, which needs the very same compositions.
``job_files``: A sweep job's file and folder outputs (FlyteFile, FlyteDirectory, also inside
    dataclasses, lists and dicts): copied into the job's folder in a local sweep, listed by URI
    in a remote one, so the summary can point at every job's reports and models.
``jobs``: Sweep jobs: each job's config and workflow inputs, and running a function per job the
    way Hydra runs a job (its own folder under the sweep dir, its config saved, callbacks
    called).
``metric``: A workflow's outputs as numbers: the metric a job returns to Hydra's sweeper
    (``hydra.launcher.optimized_metric``) and the scalar values a sweep summary shows.
``search``: An Optuna search driven through Optuna's ask-and-tell interface: the project's Hydra
    sweeper.
``search_chart``: A search's charts, one HTML page drawn with pygal like the sweep chart: the
    objective of each trial with the best value so far, then each parameter against the
    objective (a scatter for a number, a box per value for a choice). Failed trials have no
    value, so no point.
``search_results``: What a search leaves in its sweep dir: ``optimization_results.yaml`` (the
    best trial, in the shape Hydra's Optuna sweeper writes it) and ``search.html`` (its charts,
    infra/sweeps/search_chart.py).
``search_settings``: Typed settings of the project's Optuna sweeper, as read from
    ``hydra.sweeper`` (``conf/hydra/sweeper/optuna.yaml``, chosen by ``override /hydra/sweeper:
    optuna``).
``search_space``: A search space written in Hydra's override syntax, as Optuna distributions.
``summary``: The end-of-sweep summary: one row per job (overrides, status, metrics, tasks run
    and cached, and in remote mode the execution, its console URL and phase), printed as a table
    and written beside the jobs as ``summary.json`` (for scripts), ``summary.md`` (to read) and,
    when the jobs have numbers to compare, ``chart.html`` (each metric across the jobs).
``task_report``: Which tasks of a local workflow run executed and which were Flyte cache hits,
    each logged.
"""
