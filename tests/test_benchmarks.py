"""The benchmark harness (benchmarks/, `make bench`) keeps working: it runs in smoke mode and
writes its table and docs page with every benchmark's rows."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.template import TEMPLATE_DIR

BENCH = TEMPLATE_DIR / "benchmarks"
TITLES = (
    "Time to first run",
    "Run overhead",
    "Cache reuse",
    "Packaging",
    "Sweep scaling",
    "Images",
    "Launcher import cost",
)


def run_bench(tmp_path: Path, *args: str) -> tuple[str, str]:
    """``python benchmarks/run.py --smoke args``; its printed table and the Markdown it wrote."""
    output = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--output", str(output), *args],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, output.read_text()


def rows(markdown: str, title: str) -> list[list[str]]:
    """The cells of the table under ``## N. title``."""
    section = re.search(rf"^## \d\. {title}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert section, f"no section {title!r}"
    lines = [line for line in section.group(1).splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """One smoke run of the benchmarks that need no image (one work project for them all)."""
    return run_bench(
        tmp_path_factory.mktemp("bench"), "--only", "shim,overhead,cache,packaging,sweep"
    )


@pytest.mark.slow
def test_smoke_run_writes_the_table_and_the_docs_page(smoke_run):
    table, markdown = smoke_run
    for title in TITLES:
        assert title in table
        assert f". {title}\n" in markdown
    for heading in ("## Machine and versions", "## Summary", "| CPU |", "| flytekit |", "| uv |"):
        assert heading in markdown
    shim = rows(markdown, "Launcher import cost")
    assert [row[0] for row in shim] == [
        "plugin scan, with shim",
        "plugin scan, without shim",
        "Hydra app start-up, with shim",
        "Hydra app start-up, without shim",
    ]
    assert re.fullmatch(r"[\d.]+ ms", shim[0][1])
    assert "goal < 20 ms added" in shim[0][3]
    skipped = rows(markdown, "Time to first run")
    assert skipped == [["-", "", "", "**skipped**: not selected (--only/--smoke)"]]


@pytest.mark.slow
def test_smoke_run_of_the_workflow_benchmarks(smoke_run):
    _, markdown = smoke_run
    assert [row[0] for row in rows(markdown, "Run overhead")] == ["template", "bare", "pyflyte run"]
    cache = {row[0]: row[3] for row in rows(markdown, "Cache reuse")}
    assert cache["warm re-run"] == "tasks executed: 0 (none)"
    assert cache["evaluate.min_r2=0.5 changed"] == "tasks executed: 1 (evaluate)"
    packaging = [row[0] for row in rows(markdown, "Packaging")]
    assert packaging[-1] == "pyflyte package (all workflows)"
    sweep = rows(markdown, "Sweep scaling")
    assert [row[0] for row in sweep] == [
        "local mode vs basic launcher, 1 job(s)",
        "local mode vs basic launcher, 2 job(s)",
        "package, 1 job(s)",
        "package, 2 job(s)",
        "package, each job past 1",
        "remote, 1 job(s)",
        "remote, 2 job(s)",
    ]
    assert all(re.fullmatch(r"[\d.]+x basic", row[2]) for row in sweep[:2])
    assert all("goal <= 1.00x basic: " in row[3] for row in sweep[:2])
    assert all(re.fullmatch(r"\d+ ms/job", row[2]) for row in sweep[2:4])
    assert all(re.match(r"peak RSS \d+ MB; ", row[3]) for row in sweep[2:4])
    assert "goal < 80 ms/job: " in sweep[3][3]
    settings = ("PYTHONDONTWRITEBYTECODE", "uv on PATH", "Project venv byte-compiled at install")
    for setting in settings:
        assert re.search(rf"^\| {setting} \| .+ \|$", markdown, re.M), setting


def test_unknown_benchmark_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--only", "nope", "--output", str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "unknown benchmarks ['nope']" in result.stderr
