"""3. Cache reuse: the multi-task workflow cold, re-run, and with one task's sub-config changed.

Each round starts from an empty Flyte cache (a fresh HOME) and runs, in order: cold; the same
again (every task a cache hit); ``evaluate.min_r2=0.5`` (only evaluate re-runs); ``model=linear``
(train and its dependent evaluate re-run). The tasks executed are read from each run's own log:
a task logs one line when it runs, a cache hit logs nothing.
"""

from __future__ import annotations

from harness import (
    CheckFailed,
    Context,
    Row,
    Section,
    executed_tasks,
    median,
    ratio,
    run_timed,
    seconds,
    workflow_env,
)

TITLE = "Cache reuse"
ABOUT = (
    "`python src/<pkg>/workflows/multi_task.py [override]` four times in a row on one Flyte "
    "cache (a fresh HOME per round): cold, re-run unchanged, one task's sub-config changed, the "
    "model changed. Tasks executed are counted from the run's log; ratios are to the cold run."
)
STEPS = (  # case, overrides, tasks that must execute
    ("cold (empty cache)", [], ["prepare_data", "train", "evaluate"]),
    ("warm re-run", [], []),
    ("evaluate.min_r2=0.5 changed", ["evaluate.min_r2=0.5"], ["evaluate"]),
    ("model=linear changed", ["model=linear"], ["train", "evaluate"]),
)


def run(ctx: Context) -> Section:
    section = Section("cache", TITLE, ABOUT)
    project = ctx.project()
    rounds = ctx.few
    walls: dict[str, list[float]] = {case: [] for case, _, _ in STEPS}
    for round_ in range(rounds):
        ctx.log(f"cache reuse, round {round_ + 1} of {rounds}")
        home = ctx.home(f"cache-{round_}")
        for case, overrides, expected in STEPS:
            sample = run_timed(
                [project.python, project.workflow("multi_task"), *overrides],
                cwd=home,
                env=workflow_env(home),
            )
            executed = executed_tasks(sample.output)
            if executed != expected:
                raise CheckFailed(f"{case}: executed {executed}, expected {expected}")
            walls[case].append(sample.wall)
    cold = median(walls[STEPS[0][0]])
    for case, _, expected in STEPS:
        value = median(walls[case])
        tasks = ", ".join(expected) or "none"
        section.rows.append(
            Row(
                case,
                seconds(value),
                ratio(value, cold, "cold"),
                f"tasks executed: {len(expected)} ({tasks})",
            )
        )
    section.notes += [
        f"{rounds} round(s); medians. split_config (cached too) logs nothing, so it is not "
        "counted; the counts are of prepare_data, train and evaluate.",
        "The tasks here take milliseconds, so the wall time is mostly process start-up (Python, "
        "Hydra, flytekit imports): a cache hit saves the task's work, not the start-up.",
    ]
    return section
