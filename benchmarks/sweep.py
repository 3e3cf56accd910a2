"""5. Sweep scaling: ``-m`` sweeps of 1, 4 and 16 jobs in package mode and in remote mode.

Remote mode runs against the baked project's own stand-in flyteadmin
(tests/support/flyteadmin.py, on 127.0.0.1), which records every call. Code is registered once per
sweep, whatever its size: only one launch plan and one execution are added per job. That is
asserted, from the package's contents (package mode) and from the calls the stand-in received
(remote mode).
"""

from __future__ import annotations

import json
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
    Section,
    Skipped,
    median,
    plural,
    run_timed,
    seconds,
    workflow_env,
)

TITLE = "Sweep scaling"
ABOUT = (
    "`python src/<pkg>/workflows/multi_task.py -m data.seed=range(N)` for N = 1, 4, 16 jobs, in "
    "`package` mode and in `remote` mode (`hydra.launcher.build=false`, executions not waited "
    "for) against the project's stand-in flyteadmin on 127.0.0.1. Wall per job, and what was "
    "registered: per kind, only launch plans and executions may grow, by one per job."
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


def sizes(ctx: Context) -> list[int]:
    return [1, 4] if ctx.smoke else [1, 4, 16]


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


def package_rows(ctx: Context, project: Project, root: Path) -> list[Row]:
    """Package mode: wall per sweep, and the package's contents by kind."""
    walls: dict[int, list[float]] = {}
    kinds: dict[int, Counter] = {}
    for round_ in range(ctx.few):
        for size in sizes(ctx):
            ctx.log(f"sweep: package mode, {size} job(s), round {round_ + 1}")
            folder = root / f"package-{size}-{round_}"
            sample, package = package_mode(
                ctx, project, "multi_task", folder, f"data.seed=range({size})"
            )
            kinds[size] = Counter({kind: len(names) for kind, names in entities(package).items()})
            walls.setdefault(size, []).append(sample.wall)
    check_growth(kinds, {"launch plan"}, "package mode")
    rows = []
    for size in sizes(ctx):
        wall = median(walls[size])
        contents = ", ".join(plural(n, kind) for kind, n in kinds[size].items())
        rows.append(
            Row(f"package, {size} job(s)", seconds(wall), f"{seconds(wall / size)}/job", contents)
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
            for size in sizes(ctx):
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
    for size in sizes(ctx):
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
    for mode, rows in (("package", package_rows), ("remote", remote_rows)):
        try:
            section.rows += rows(ctx, project, root)
        except Skipped as reason:  # one mode missing: still show the other
            section.rows.append(Row(mode, status="skipped", detail=str(reason)))
    section.notes += [
        f"{ctx.few} round(s) per size; medians. The Ratio column is the wall time per job.",
        f"Checked for 1 to {max(sizes(ctx))} jobs: in package mode only the launch plans grow, "
        "one per job (plus the workflow's default launch plan); against the stand-in, tasks, "
        "workflows and everything else are registered once per sweep, and each job adds "
        "exactly one CreateLaunchPlan and one CreateExecution (and FlyteRemote's GetLaunchPlan "
        "and GetExecution reading them back).",
        "Remote mode here does no image build (`build=false`) and does not wait for the "
        "executions; the stand-in answers in memory, so these figures are the launcher's own "
        "cost, not a cluster's.",
    ]
    return section
