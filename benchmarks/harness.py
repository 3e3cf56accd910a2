"""What every benchmark shares: timed subprocesses, medians, the baked project, results.

Every measured command runs in a fresh process, exactly as a user would type it; its wall time
and peak memory (``ru_maxrss`` of that process, from ``wait4``) are recorded. Workflow runs get a
private ``HOME`` so Flyte's local cache (``~/.flyte``) starts empty and is never the user's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
PACKAGE = "demand_forecast"  # the default answers' package; the bare baseline imports its logic
SLUG = "demand-forecast"
TASK_LINE = re.compile(r"\] - (prepare_data|train|evaluate|fit_and_score): ")
SCORES = re.compile(r"Scores\(mse=[^)]*\)")


class Skipped(Exception):
    """The benchmark cannot run here; the message says why (shown in the table)."""


class CheckFailed(Exception):
    """A benchmark's own correctness check failed: its timings would mean nothing."""


@dataclass
class Sample:
    """One timed process."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_mb: float  # maximum resident set size of the process, MiB
    output: str  # stdout and stderr, interleaved
    returncode: int


@dataclass
class Row:
    """One line of the results table."""

    case: str
    value: str = ""  # the median, with its unit
    ratio: str = ""  # against the baseline measured in the same run
    detail: str = ""
    status: str = "ok"  # ok | skipped | FAILED


@dataclass
class Section:
    """One benchmark's results: what it compares, its rows and notes."""

    key: str
    title: str
    about: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long the benchmark took, setup included


def run_timed(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    check: bool = True,
) -> Sample:
    """Run ``command`` to completion; its wall time and peak RSS. Raises CheckFailed on failure
    when ``check``."""
    with tempfile.TemporaryFile(mode="w+b") as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        timer = threading.Timer(timeout, process.kill)  # a hung command fails, not the bench
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    sample = Sample(wall, cpu, usage.ru_maxrss / 1024, output, process.returncode)
    if check and sample.returncode != 0:
        shown = " ".join(str(part) for part in command)
        raise CheckFailed(f"`{shown}` exited {sample.returncode}:\n{tail(output)}")
    return sample


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])


def interleaved(repeats: int, variants: dict[str, Callable[[int], Sample]]) -> dict[str, list]:
    """Run each variant ``repeats`` times, alternating them (and rotating who goes first), so
    load on the machine hits every variant alike. Returns the samples of each variant."""
    names = list(variants)
    samples: dict[str, list] = {name: [] for name in names}
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(variants[name](round_))
    return samples


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.995 else f"{value * 1000:.0f} ms"


def ratio(value: float, baseline: float, name: str) -> str:
    return f"{value / baseline:.2f}x {name}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def executed_tasks(output: str) -> list[str]:
    """Tasks that ran, in order, from the run's own log (a cache hit logs nothing)."""
    return TASK_LINE.findall(output)


def workflow_env(home: Path, **extra: str) -> dict[str, str]:
    """The user's environment with a private HOME and none of the user's FLYTE_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1", COLUMNS="200", **extra)
    env.pop("VIRTUAL_ENV", None)
    return env


def uv_executable() -> str:
    """uv as the template's Makefile finds it: on PATH, else bootstrapped into .venv."""
    for candidate in (shutil.which("uv"), Path(sys.prefix) / "bin" / "uv"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise Skipped("uv is neither on PATH nor in the template's .venv")


@dataclass
class Project:
    """A project baked with the default answers and installed with its own ``make install``."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / ".venv" / "bin" / "python"

    def workflow(self, name: str) -> Path:
        return self.root / "src" / PACKAGE / "workflows" / f"{name}.py"

    def byte_compiled(self) -> str:
        """Whether the venv's packages hold bytecode (``.pyc``): checked right after the install,
        before any run could write it, so it says whether the install compiled them."""
        site = next((self.root / ".venv" / "lib").glob("python*/site-packages"), None)
        compiled = site is not None and any((site / "hydra" / "__pycache__").glob("*.pyc"))
        return "yes" if compiled else "no"

    def versions(self) -> dict[str, str]:
        """Versions of the packages that matter, as installed in the project's venv."""
        code = (
            "import json, platform; from importlib.metadata import version\n"
            "names = ['flytekit', 'flytekitplugins-omegaconf', 'hydra-core', 'omegaconf']\n"
            "print(json.dumps({'python': platform.python_version(),"
            " **{n: version(n) for n in names}}))"
        )
        result = run_timed([self.python, "-c", code], cwd=self.root)
        return json.loads(result.output.strip().splitlines()[-1])


def bake(output_dir: Path) -> tuple[Path, Sample]:
    """``cookiecutter --no-input`` of this template into ``output_dir``, like a user; the
    project folder and the timed process. A private config keeps ~/.cookiecutterrc out."""
    output_dir.mkdir(parents=True, exist_ok=True)
    config = output_dir / "cookiecutter-config.yaml"
    config.write_text(
        json.dumps(
            {
                "cookiecutters_dir": str(output_dir / "cookiecutters"),
                "replay_dir": str(output_dir / "replay"),
            }
        )
    )
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "--config-file", config]
    sample = run_timed([*command, "--output-dir", output_dir, TEMPLATE], cwd=output_dir)
    project = output_dir / SLUG
    if not (project / "pyproject.toml").is_file():
        raise CheckFailed(f"cookiecutter wrote no project at {project}")
    return project, sample


def make_install(project: Path) -> Sample:
    """The template's default installer: the project's ``make install`` (uv)."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    return run_timed(
        ["make", "--no-print-directory", "-C", project, "install"], cwd=project, env=env
    )


@dataclass
class Context:
    """Settings of this bench run and the things several benchmarks share, made on first use."""

    work: Path
    repeats: int
    smoke: bool
    log: Callable[[str], None]
    _project: Project | None = None
    _bare_python: Path | None = None
    compiled_at_install: str = "not checked (no benchmark installed the project)"
    setup_notes: list[str] = field(default_factory=list)

    @property
    def few(self) -> int:
        """Repeats for benchmarks whose one sample takes tens of seconds."""
        return 1 if self.smoke else max(2, self.repeats // 2)

    def project(self) -> Project:
        """The shared work project: baked and installed once (``make install``, i.e. uv)."""
        if self._project is None:
            self.log("baking and installing the work project (make install)")
            root, _ = bake(self.work / "project")
            install = make_install(root)
            self._project = Project(root)
            self.compiled_at_install = self._project.byte_compiled()
            self.setup_notes.append(
                f"The work project (default answers) installed with `make install` in "
                f"{seconds(install.wall)}, untimed: it warms uv's cache."
            )
        return self._project

    def installed_versions(self) -> dict[str, str]:
        """Versions in the work project's venv; empty if no benchmark needed the project."""
        return self._project.versions() if self._project else {}

    def bare_python(self) -> Path:
        """A venv with exactly the project's third-party packages but not the project itself:
        no ``infra``, no ``hydra_plugins`` shim, no config groups."""
        if self._bare_python is None:
            project = self.project()
            venv = self.work / "bare-venv"
            uv = uv_executable()
            self.log("creating the bare baseline's venv (same packages, no project)")
            frozen = run_timed(
                [uv, "pip", "freeze", "--exclude-editable", "--python", project.python],
                cwd=self.work,
            ).output
            requirements = self.work / "bare-requirements.txt"
            requirements.write_text(
                "\n".join(line for line in frozen.splitlines() if "==" in line) + "\n"
            )
            run_timed([uv, "venv", "--quiet", "--python", project.python, venv], cwd=self.work)
            python = venv / "bin" / "python"
            run_timed(
                [uv, "pip", "install", "--quiet", "--python", python, "-r", requirements],
                cwd=self.work,
            )
            self._bare_python = python
        return self._bare_python

    def home(self, name: str) -> Path:
        """A fresh, empty HOME folder (so an empty Flyte cache)."""
        path = self.work / "homes" / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path
