"""Run the template's benchmarks; print a table and write docs/performance.md.

    python benchmarks/run.py                    # everything (make bench)
    python benchmarks/run.py --only shim,cache  # a subset
    python benchmarks/run.py --smoke            # 1 repeat, small sweeps: checks the harness works

BENCH_REPEATS (default 5) scales every benchmark's repeats; the defaults take about 50 minutes
on 2 cores (first_run's pip installs are most of it). The exit code is 1 when a benchmark's
own correctness check failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import cache
import first_run
import flyte_packages
import images
import machine
import overhead
import report
import shim
import suites
import sweep
from harness import TEMPLATE, CheckFailed, Context, Row, Section, Skipped, uv_executable

BENCHMARKS = {  # in the order of docs/performance.md
    "first_run": first_run,
    "overhead": overhead,
    "cache": cache,
    "packaging": flyte_packages,
    "sweep": sweep,
    "images": images,
    "shim": shim,
    "suites": suites,
}
SMOKE = ("overhead", "cache", "shim")  # what --smoke runs unless --only says otherwise


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="1 repeat, small sweeps, a subset")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument(
        "--repeats",
        type=int,
        default=int(os.environ.get("BENCH_REPEATS", "5")),
        help="timed runs per case for the quick benchmarks (default: $BENCH_REPEATS or 5)",
    )
    parser.add_argument("--output", type=Path, default=TEMPLATE / "docs" / "performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    arguments = parser.parse_args(argv)
    selected = arguments.only.split(",") if arguments.only else None
    if selected is None:
        selected = list(SMOKE) if arguments.smoke else list(BENCHMARKS)
    unknown = set(selected) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks {sorted(unknown)}; choose from {', '.join(BENCHMARKS)}")
    arguments.selected = selected
    if arguments.smoke:
        arguments.repeats = 1
    return arguments


def placeholder(key: str, status: str, detail: str) -> Section:
    """A benchmark's section holding one skipped or failed row instead of results."""
    module = BENCHMARKS[key]
    return Section(key, module.TITLE, module.ABOUT, [Row("-", status=status, detail=detail)])


def run_one(key: str, ctx: Context) -> Section:
    """One benchmark; a skip or a failed check becomes a row instead of an exception."""
    log(f"{key}: starting")
    start = time.perf_counter()
    try:
        section = BENCHMARKS[key].run(ctx)
    except Skipped as reason:
        section = placeholder(key, "skipped", str(reason))
    except CheckFailed as failure:
        log(f"{key}: check FAILED:\n{failure}")
        section = placeholder(key, "FAILED", str(failure).splitlines()[0])
    except Exception:  # a bug in a benchmark: show it, run the others
        log(f"{key}: crashed:\n{traceback.format_exc()}")
        section = placeholder(key, "FAILED", "the benchmark crashed; see its log")
    section.seconds = time.perf_counter() - start
    log(f"{key}: done in {section.seconds:.0f} s")
    return section


def versions(ctx: Context) -> dict[str, str]:
    installed = ctx.installed_versions()
    names = ("flytekit", "flytekitplugins-omegaconf", "hydra-core", "omegaconf")
    return {
        "Python (project venv)": installed.get("python", "?"),
        **{name: installed.get(name, "?") for name in names},
        "Project venv byte-compiled at install": ctx.compiled_at_install,
        **machine.tool_versions(uv_executable()),
    }


def main(argv: list[str]) -> int:
    arguments = parse_args(argv)
    started = time.perf_counter()
    load_before = machine.load()
    work = Path(tempfile.mkdtemp(prefix="hft-bench-"))
    ctx = Context(work=work, repeats=arguments.repeats, smoke=arguments.smoke, log=log)
    try:
        sections = [
            run_one(key, ctx)
            if key in arguments.selected
            else placeholder(key, "skipped", "not selected (--only/--smoke)")
            for key in BENCHMARKS
        ]
        tools = versions(ctx)
    finally:
        if arguments.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    command = "make bench" if not argv else f"python benchmarks/run.py {' '.join(argv)}"
    run_info = {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Command": command,
        "Repeats": f"BENCH_REPEATS={arguments.repeats}",
        "Load average (1/5/15 min), start -> end": f"{load_before} -> {machine.load()}",
        "Total bench time": f"{total:.0f} s",
        "Setup": " ".join(ctx.setup_notes),
    }
    print()
    print(report.text_table(sections))
    print(f"\nTotal: {total:.0f} s. Details: {arguments.output}")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(report.markdown(sections, machine.machine(), tools, run_info))
    failed = any(row.status == "FAILED" for section in sections for row in section.rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
