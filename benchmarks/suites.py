"""8. Test suites: the baked project's ``make test-fast`` and ``make test`` as shipped (on every
core, with pytest-xdist) against the same tests on one core, ``make test`` also against the same
tests with every workflow run in a new process (``TEST_WORKFLOWS_IN_NEW_PROCESSES=1``, as they
ran before they ran in the test's process), and optionally the template's own ``.ci/run`` suite.

Each variant runs in the work project with a private HOME, alternately; the pass counts of the two
variants must be equal (the same tests ran). The template's suite takes about 11 minutes:
it is timed only with ``BENCH_TEMPLATE_SUITE=1``, once, in a fresh clone of this checkout's HEAD.
"""

from __future__ import annotations

import os
import re
import subprocess

from harness import (
    TEMPLATE,
    CheckFailed,
    Context,
    Row,
    Section,
    interleaved,
    median,
    ratio,
    run_timed,
    seconds,
    workflow_env,
)

TITLE = "Test suites"
GOALS = {"test-fast": 30.0, "test": 150.0, "template": 900.0}  # seconds, on 2 cores
ABOUT = (
    "The baked project's `make test-fast` and `make test` as shipped (pytest-xdist, `-n auto`) "
    "and with `PYTEST_ARGS=-n0` (the same tests on one core), and `make test` with "
    "`TEST_WORKFLOWS_IN_NEW_PROCESSES=1` (each workflow run in a new Python process rather than "
    "the test's own), alternately, in the installed work project with a private HOME. Goals on "
    "2 cores: `make test-fast` within "
    f"{GOALS['test-fast']:.0f} s, `make test` within {GOALS['test']:.0f} s; the template's "
    f"`make test` (what `.ci/run` runs) within {GOALS['template']:.0f} s "
    "(timed only with `BENCH_TEMPLATE_SUITE=1`)."
)
PASSED = re.compile(r"(\d+) passed")


def passed(output: str) -> int:
    found = PASSED.findall(output)
    if not found:
        raise CheckFailed(f"no pytest summary in the output:\n{output[-2000:]}")
    return int(found[-1])


def run(ctx: Context) -> Section:
    section = Section("suites", TITLE, ABOUT)
    project = ctx.project()
    rounds = 1 if ctx.smoke or ctx.repeats == 1 else 2
    targets = ["test-fast"] if ctx.smoke else ["test-fast", "test"]
    for target in targets:
        ctx.log(f"test suites: make {target}, {rounds} round(s) per variant")
        home = ctx.home(f"suites-{target}")

        def variant(serial: bool, new_processes: bool = False, target: str = target, home=home):
            extra = ["PYTEST_ARGS=-n0"] if serial else []
            command = ["make", "--no-print-directory", "-C", project.root, target, *extra]
            env = workflow_env(home)
            if new_processes:
                env["TEST_WORKFLOWS_IN_NEW_PROCESSES"] = "1"
            return lambda _round: run_timed(command, cwd=project.root, env=env, timeout=3600)

        variants = {"all cores": variant(False), "one core": variant(True)}
        if target == "test":
            variants["new processes"] = variant(False, new_processes=True)
        samples = interleaved(rounds, variants)
        counts = {name: {passed(s.output) for s in runs} for name, runs in samples.items()}
        if (
            len({frozenset(found) for found in counts.values()}) != 1
            or len(counts["all cores"]) != 1
        ):
            raise CheckFailed(f"make {target}: different pass counts {counts}")
        fast = median(s.wall for s in samples["all cores"])
        slow = median(s.wall for s in samples["one core"])
        goal = GOALS[target]
        met = "met" if fast <= goal else "NOT met"
        section.rows += [
            Row(
                f"make {target}, all cores",
                seconds(fast),
                ratio(fast, slow, "one core"),
                f"{counts['all cores'].pop()} passed; goal {goal:.0f} s: {met}",
            ),
            Row(f"make {target}, one core (-n0)", seconds(slow), "", "the same tests"),
        ]
        if "new processes" in samples:
            spawned = median(s.wall for s in samples["new processes"])
            section.rows.append(
                Row(
                    f"make {target}, all cores, each workflow run in a new process",
                    seconds(spawned),
                    ratio(spawned, fast, "shipped"),
                    "TEST_WORKFLOWS_IN_NEW_PROCESSES=1: as the suite ran before its workflow runs "
                    "moved into the test's process",
                )
            )
    if os.environ.get("BENCH_TEMPLATE_SUITE") == "1" and not ctx.smoke:
        section.rows.append(template_suite(ctx))
    else:
        section.notes.append(
            "The template's own suite was not timed in this run (`BENCH_TEMPLATE_SUITE=1` times "
            "it, about 11 minutes)."
        )
    section.notes.append(
        f"{os.cpu_count()} cores; the variants ran in the same run, taking turns, so load hits "
        "them alike. Medians of the rounds."
    )
    return section


def template_suite(ctx: Context) -> Row:
    """The template's ``make test`` in a fresh clone of HEAD, as ``.ci/run`` runs it."""
    ctx.log("test suites: the template's make test in a fresh clone (about 11 minutes)")
    clone = ctx.work / "template-clone"
    subprocess.run(["git", "clone", "--quiet", TEMPLATE, clone], check=True)
    sample = run_timed(["make", "test"], cwd=clone, timeout=5400)  # the tests isolate HOME
    met = "met" if sample.wall <= GOALS["template"] else "NOT met"
    return Row(
        "template make test (.ci/run)",
        seconds(sample.wall),
        "",
        f"{passed(sample.output)} passed; goal {GOALS['template']:.0f} s: {met}",
    )
