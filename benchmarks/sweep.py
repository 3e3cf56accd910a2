"""5. Sweep scaling: ``-m`` sweeps in local mode against Hydra's basic launcher, in package mode
up to 256 jobs, and in remote mode.

Local mode and Hydra's basic launcher (``hydra/launcher=basic``) run the same multi-task jobs,
alternated, with Flyte's cache off; both must run every task of every job and compute the same
scores. Remote mode runs against the baked project's own stand-in flyteadmin
(tests/support/flyteadmin.py, on 127.0.0.1), which records every call. Code is registered once per
sweep, whatever its size: only one launch plan and one execution are added per job. That is
asserted, from the package's contents (package mode) and from the calls the stand-in received
(remote mode).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from flyte_packages import entities, package_mode
from harness import (
    BENCH_DIR,
    CheckFailed,
    Context,
    Project,
    Row,
    Sample,
    Section,
    Skipped,
    executed_tasks,
    interleaved,
    median,
    plural,
    ratio,
    run_timed,
    seconds,
    workflow_env,
)

PACKAGE_GOAL_MS = 80  # ms per job at the largest package sweep
TASKS = ["prepare_data", "train", "evaluate"]  # what each multi-task job runs, cache off
EVALUATED = re.compile(r"\] - evaluate: (Scores\([^)]*\))")  # each job's scores, as logged

TITLE = "Sweep scaling"
ABOUT = (
    "`python src/<pkg>/workflows/multi_task.py -m data.seed=range(N)`: in `local` mode against "
    "Hydra's basic launcher (`hydra/launcher=basic`, the same jobs run by `main`), Flyte's cache "
    "off, N = 1, 16, 64; in `package` mode for N = 16, 64, 256, with the process's peak RSS; and "
    "in `remote` mode (`hydra.launcher.build=false`, executions not waited for) against the "
    "project's stand-in flyteadmin on 127.0.0.1 for N = 1, 4, 16. Per kind, only launch plans "
    "and executions may grow, by one per job. Goals: local mode no slower than the basic "
    f"launcher at any N; package mode under {PACKAGE_GOAL_MS} ms per job at the largest N."
)
PER_JOB = {"CreateLaunchPlan", "CreateExecution"}  # one each per sweep job, nothing else grows
READS_PER_JOB = {"GetLaunchPlan", "GetExecution"}  # FlyteRemote reads each back once


class StandIn:
    """The project's stand-in flyteadmin in a child process (see baseline/admin_driver.py)."""

    def __init__(self, project: Project, home: Path) -> None:
        module = project.root / "tests" / "support" / "flyteadmin.py"
        if not module.is_file():
            raise Skipped(f"the baked project has no stand-in flyteadmin ({module.name})")
        env = workflow_env(home, PYTHONPATH=str(module.parents[1]))
        self.process = subprocess.Popen(
            [project.python, BENCH_DIR / "baseline" / "admin_driver.py"],
            cwd=home,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        first = self.process.stdout.readline().split()
        if first[:1] != ["endpoint"]:
            self.close()
            raise CheckFailed("the stand-in flyteadmin did not start")
        self.endpoint = first[1]

    def counts(self) -> Counter:
        self.process.stdin.write("counts\n")
        self.process.stdin.flush()
        return Counter(json.loads(self.process.stdout.readline()))

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def sizes(ctx: Context, mode: str) -> list[int]:
    """Sweep sizes per mode; small ones in a smoke run."""
    if ctx.smoke:
        return [1, 2]
    return {"local": [1, 16, 64], "package": [16, 64, 256], "remote": [1, 4, 16]}[mode]


def check_growth(per_size: dict[int, Counter], grows: set[str], what: str) -> None:
    """Counts of the kinds in ``grows`` must be (base + N); every other kind must not change."""
    first = min(per_size)
    for size, counts in per_size.items():
        for kind in set(counts) | set(per_size[first]):
            expected = per_size[first][kind] + (size - first if kind in grows else 0)
            if counts[kind] != expected:
                raise CheckFailed(
                    f"{what}: {counts[kind]} {kind} for {size} jobs, expected {expected} "
                    f"({per_size[first][kind]} for {first} job(s))"
                )


def local_rows(ctx: Context, project: Project, root: Path) -> list[Row]:
    """Local mode against Hydra's basic launcher on the same jobs, alternated, cache off."""
    launchers = {"local mode": "hydra.launcher.mode=local", "basic": "hydra/launcher=basic"}
    rows = []
    for size in sizes(ctx, "local"):

        def variant(name: str, size: int = size):
            def one(round_: int):
                ctx.log(f"sweep: {name}, {size} job(s), round {round_ + 1}")
                home = ctx.home(f"sweep-{name.replace(' ', '-')}")
                folder = root / f"{name.replace(' ', '-')}-{size}-{round_}"
                command = [
                    project.python,
                    project.workflow("multi_task"),
                    "-m",
                    launchers[name],
                    f"hydra.sweep.dir={folder}",
                    f"data.seed=range({size})",
                ]
                env = workflow_env(home, FLYTE_LOCAL_CACHE_ENABLED="false")
                sample = run_timed(command, cwd=project.root, env=env)
                if executed_tasks(sample.output) != TASKS * size:
                    raise CheckFailed(f"{name}, {size} job(s): not every task of every job ran")
                return sample

            return one

        samples = interleaved(ctx.few, {name: variant(name) for name in launchers})
        scores = {name: EVALUATED.findall(runs[-1].output) for name, runs in samples.items()}
        if scores["local mode"] != scores["basic"] or len(scores["basic"]) != size:
            raise CheckFailed(f"{size} job(s): local mode and the basic launcher scored apart")
        ours, basic = (median(s.wall for s in samples[name]) for name in launchers)
        met = "met" if ours <= basic else "NOT met"
        rows.append(
            Row(
                f"local mode vs basic launcher, {size} job(s)",
                seconds(ours),
                ratio(ours, basic, "basic"),
                f"basic launcher {seconds(basic)}; per job {seconds(ours / size)} vs "
                f"{seconds(basic / size)}; goal <= 1.00x basic: {met}",
            )
        )
    return rows


def package_rows(ctx: Context, project: Project, root: Path) -> list[Row]:
    """Package mode: wall and peak RSS per sweep, and the package's contents by kind."""
    samples: dict[int, list[Sample]] = {}
    kinds: dict[int, Counter] = {}
    for round_ in range(ctx.few):
        for size in sizes(ctx, "package"):
            ctx.log(f"sweep: package mode, {size} job(s), round {round_ + 1}")
            folder = root / f"package-{size}-{round_}"
            sample, package = package_mode(
                ctx, project, "multi_task", folder, f"data.seed=range({size})"
            )
            kinds[size] = Counter({kind: len(names) for kind, names in entities(package).items()})
            samples.setdefault(size, []).append(sample)
            shutil.rmtree(folder, ignore_errors=True)
    check_growth(kinds, {"launch plan"}, "package mode")
    rows = []
    largest = max(samples)
    for size, runs in samples.items():
        wall = median(s.wall for s in runs)
        per_job = wall / size * 1000
        contents = ", ".join(plural(n, kind) for kind, n in kinds[size].items())
        detail = f"peak RSS {median(s.peak_mb for s in runs):.0f} MB; {contents}"
        if size == largest:
            met = "met" if per_job < PACKAGE_GOAL_MS else "NOT met"
            detail += f"; goal < {PACKAGE_GOAL_MS} ms/job: {met}"
        rows.append(Row(f"package, {size} job(s)", seconds(wall), f"{per_job:.0f} ms/job", detail))
    smallest = min(samples)
    if largest > smallest:
        added = median(s.wall for s in samples[largest]) - median(s.wall for s in samples[smallest])
        rows.append(
            Row(
                f"package, each job past {smallest}",
                f"{added / (largest - smallest) * 1000:.0f} ms",
                "",
                f"(wall at {largest} - wall at {smallest}) / {largest - smallest}: the cost of one "
                "more job, without the start-up",
            )
        )
    return rows


def remote_rows(ctx: Context, project: Project, root: Path) -> list[Row]:
    """Remote mode against the stand-in: wall per sweep, and the calls it received by kind."""
    home = ctx.home("sweep-remote")
    admin = StandIn(project, home)
    walls: dict[int, list[float]] = {}
    calls: dict[int, Counter] = {}
    try:
        for round_ in range(ctx.few):
            for size in sizes(ctx, "remote"):
                ctx.log(f"sweep: remote mode, {size} job(s), round {round_ + 1}")
                before = admin.counts()
                command = [
                    project.python,
                    project.workflow("multi_task"),
                    "-m",
                    f"hydra.launcher.connection.endpoint={admin.endpoint}",
                    "hydra.launcher.build=false",
                    f"hydra.launcher.version=bench-{size}-{round_}",  # a fresh registration
                    f"hydra.sweep.dir={root / f'remote-{size}-{round_}'}",
                    f"data.seed=range({size})",
                ]
                sample = run_timed(command, cwd=project.root, env=workflow_env(home))
                calls[size] = admin.counts() - before
                walls.setdefault(size, []).append(sample.wall)
    finally:
        admin.close()
    for size, counts in calls.items():
        if counts["CreateExecution"] != size:
            raise CheckFailed(f"remote mode: {counts['CreateExecution']} executions, {size} jobs")
    check_growth(calls, PER_JOB | READS_PER_JOB, "remote mode")
    rows = []
    for size in sizes(ctx, "remote"):
        wall = median(walls[size])
        registered = ", ".join(f"{kind} {n}" for kind, n in sorted(calls[size].items()))
        rows.append(
            Row(f"remote, {size} job(s)", seconds(wall), f"{seconds(wall / size)}/job", registered)
        )
    return rows


def run(ctx: Context) -> Section:
    section = Section("sweep", TITLE, ABOUT)
    project = ctx.project()
    root = ctx.work / "sweep"
    modes = (("local", local_rows), ("package", package_rows), ("remote", remote_rows))
    for mode, rows in modes:
        try:
            section.rows += rows(ctx, project, root)
        except Skipped as reason:  # one mode missing: still show the others
            section.rows.append(Row(mode, status="skipped", detail=str(reason)))
    section.notes += [
        f"{ctx.few} round(s) per size; medians. Local mode and the basic launcher alternate; the "
        "Ratio column is ours over basic there, and the wall time per job elsewhere (start-up "
        "included: Python, Hydra and flytekit imports, the primary config).",
        "Each job's config is composed once: the launcher takes the compositions Hydra's sweeper "
        "made to check the batch (infra/sweeps/compositions.py). Hydra's basic launcher composes "
        "every job a second time.",
        f"Checked: local mode and the basic launcher ran every task of every job and computed the "
        f"same scores; for {min(sizes(ctx, 'package'))} to {max(sizes(ctx, 'package'))} jobs in "
        "package mode only the launch plans grow, one per job (plus the workflow's default "
        "launch plan); against the stand-in, tasks, workflows and everything else are "
        "registered once per sweep, and each job adds exactly one CreateLaunchPlan and one "
        "CreateExecution (and FlyteRemote's GetLaunchPlan and GetExecution reading them back).",
        "Peak RSS is the maximum resident set size of the sweep's process (`ru_maxrss` from "
        "`wait4`).",
        "Remote mode here does no image build (`build=false`) and does not wait for the "
        "executions; the stand-in answers in memory, so these figures are the launcher's own "
        "cost, not a cluster's.",
    ]
    return section
