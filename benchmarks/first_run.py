"""1. Time to first run: bake, install and run the multi-task workflow once, from nothing.

Three installers, alternated in one bench run: the template's default (`make install`: uv
sync), plain pip (`python3 -m venv .venv && .venv/bin/pip install -e . <the dev group>`), and the
same pip install from a local folder of wheels (`--no-index --find-links`), which takes the
network out of pip's figure where its HTTP cache does not hold (as on machines whose proxy makes
downloads uncacheable). Caches are warmed before timing: uv's by an untimed install, pip's and
the wheel folder by `pip wheel` of the project.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

from harness import (
    PACKAGE,
    CheckFailed,
    Context,
    Row,
    Sample,
    Section,
    bake,
    executed_tasks,
    interleaved,
    make_install,
    median,
    ratio,
    run_timed,
    seconds,
    uv_executable,
    workflow_env,
)

TITLE = "Time to first run"
ABOUT = (
    "Bake the template with the default answers, install the project, run the multi-task "
    "workflow once (`python src/<pkg>/workflows/multi_task.py`, empty Flyte cache). "
    "uv is `make install` (the template's default); pip is `python3 -m venv .venv && "
    ".venv/bin/pip install -e . <the dev group's requirements>` (the venv's pip predates "
    "`--group`); pip (local wheels) is the same with `--no-index "
    "--find-links <folder of the project's wheels>`, i.e. pip without the network. All share "
    "the machine's package caches, warmed before timing; the arms alternate."
)
PIP = "python3 -m venv .venv && .venv/bin/pip install"
BUILD_BACKEND = ("hatchling", "editables")  # what pip needs to build the editable project


def pip_install(project: Path, wheels: Path | None = None) -> Sample:
    """pip as a user without uv would install (two commands, timed together); with ``wheels``,
    from that folder only."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    offline = f"--no-index --find-links {shlex.quote(str(wheels))} " if wheels else ""
    command = f"{PIP} {offline}-e . {shlex.join(dev_group(project))}"
    return run_timed(["bash", "-c", command], cwd=project, env=env, timeout=900)


def dev_group(project: Path) -> list[str]:
    """The requirements of the project's ``dev`` dependency group (PEP 735)."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    return list(pyproject["dependency-groups"]["dev"])


def first_run(ctx: Context, project: Path, name: str) -> Sample:
    python = project / ".venv" / "bin" / "python"
    workflow = project / "src" / PACKAGE / "workflows" / "multi_task.py"
    sample = run_timed([python, workflow], cwd=project, env=workflow_env(ctx.home(name)))
    if executed_tasks(sample.output) != ["prepare_data", "train", "evaluate"]:
        raise CheckFailed(f"{name}: the first run did not execute the three tasks")
    if "scores: Scores(" not in sample.output:
        raise CheckFailed(f"{name}: the first run logged no scores")
    return sample


def cache_size(path: str) -> str:
    """Size of a cache folder, e.g. '263 MB', or 'empty'."""
    folder = Path(path)
    if not folder.is_dir():
        return "empty"
    total = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    if not total:
        return "empty"
    return f"{total / 1e6:.0f} MB" if total >= 1e6 else f"{total / 1e3:.0f} kB"


def pip_cache_dir() -> str:
    result = subprocess.run(
        ["python3", "-m", "pip", "cache", "dir"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or str(Path.home() / ".cache" / "pip")


DOWNLOADED = re.compile(r"^\s*Downloading ", re.M)
FROM_DISK = re.compile(r"^\s*(?:Processing /|Using cached )", re.M)


def lines(pattern: re.Pattern, output: str) -> int:
    return len(pattern.findall(output))


def counts(pattern: str, output: str) -> str:
    found = re.search(pattern, output)
    return found.group(1) if found else "?"


def run(ctx: Context) -> Section:
    section = Section("first_run", TITLE, ABOUT)
    uv = uv_executable()
    uv_cache = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True).stdout.strip()
    pip_cache = pip_cache_dir()
    before = f"uv cache {cache_size(uv_cache)}, pip cache {cache_size(pip_cache)}"

    ctx.log("warming the package caches (untimed)")
    warm_project = ctx.project().root  # its `make install` filled the uv cache
    wheels = ctx.work / "wheels"  # the project's dependencies and build backend, as wheels
    pip_wheel = ["python3", "-m", "pip", "wheel", "--quiet", "-w", wheels]
    requirements = ["-e", str(warm_project), *dev_group(warm_project), *BUILD_BACKEND]
    run_timed([*pip_wheel, *requirements], cwd=ctx.work, timeout=900)
    installers = {
        "uv": make_install,
        "pip": pip_install,
        "pip (local wheels)": lambda project: pip_install(project, wheels),
    }

    def arm(installer: str):
        def one(round_: int) -> dict[str, Sample]:
            ctx.log(f"first run with {installer}, round {round_ + 1}")
            slug = re.sub(r"\W+", "-", installer).strip("-")
            folder = ctx.work / "first-run" / f"{slug}-{round_}"
            project, baked = bake(folder)
            installed = installers[installer](project)
            ran = first_run(ctx, project, f"first-{round_}")
            shutil.rmtree(folder, ignore_errors=True)
            return {"bake": baked, "install": installed, "run": ran}

        return one

    results = interleaved(ctx.few, {installer: arm(installer) for installer in installers})
    steps = ("bake", "install", "run")
    totals = {
        installer: median(sum(r[step].wall for step in steps) for r in rounds)
        for installer, rounds in results.items()
    }
    for installer, rounds in results.items():
        split = ", ".join(
            f"{step} {seconds(median(r[step].wall for r in rounds))}" for step in steps
        )
        section.rows.append(
            Row(
                f"{installer}: bake + install + first run",
                seconds(totals[installer]),
                ratio(totals[installer], totals["uv"], "uv"),
                split,
            )
        )
    last = {installer: rounds[-1]["install"].output for installer, rounds in results.items()}
    downloaded = lines(DOWNLOADED, last["pip"])
    section.notes += [
        f"{ctx.few} round(s) per installer, alternated; medians per step and of the totals.",
        f"Package caches before this bench run: {before} (uv's at `{uv_cache}`, pip's at "
        f"`{pip_cache}`). Then warmed, untimed: uv's by the work project's `make install`, pip's "
        f"by `pip wheel` of the project (pip cache after: {cache_size(pip_cache)}).",
        "uv (last round): "
        + counts(r"(Resolved \d+ packages?)", last["uv"])
        + ", "
        + counts(r"(Prepared \d+ packages?)", last["uv"])
        + " (downloaded or built), "
        + counts(r"(Installed \d+ packages?)", last["uv"])
        + ".",
        f"pip (last round): {downloaded} files downloaded, {lines(FROM_DISK, last['pip'])} "
        "taken from disk (pip's cache, or local package folders named in pip.conf)."
        + (
            " pip downloaded files again although its cache had been warmed: its HTTP cache "
            "kept nothing on this machine, so the plain pip figure includes the network; the "
            "local-wheels arm is pip without it."
            if downloaded
            else ""
        ),
        "Both installers byte-compile the installed packages (`make install` passes "
        "`--compile-bytecode` to uv; pip compiles by default), so no first run pays for "
        "compiling them.",
    ]
    return section
