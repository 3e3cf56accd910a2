"""Every workflow that draws a report (workflows/reports.py): its Flyte Deck (as the console
shows it), a file among the workflow's outputs, and a local run saves that file in the run's
output folder. A project without reports.py, or a workflow that saves none, has nothing to check."""

import importlib
import importlib.util
from pathlib import Path

import pytest
from flytekit.deck import deck

from infra.workflow.binding import bind_inputs
from support.job_returns import files
from support.project import (
    WORKFLOW_MODULES,
    WORKFLOW_NAMES,
    WORKFLOWS_PACKAGE,
    cases_or_skip,
    compose_config,
    workflow_of,
)
from support.scripts import run_workflow_script

REPORTS = f"{WORKFLOWS_PACKAGE}.reports"
reports = importlib.import_module(REPORTS) if importlib.util.find_spec(REPORTS) else None


REPORTING = cases_or_skip(
    [
        name
        for name in WORKFLOW_NAMES
        if reports and getattr(WORKFLOW_MODULES[name], "save_report", None) is reports.save_report
    ],
    "no workflow saves a report" if reports else f"no module {REPORTS}",
)


@pytest.fixture
def decks(monkeypatch) -> list[tuple[dict[str, str], str]]:
    """What each local task execution with a deck writes: (its decks' HTML by name, the page
    flytekit renders from them, the one the Flyte console shows)."""
    written = []
    output_deck = deck._output_deck

    def recorded(task_name, new_user_params):
        by_name = {item.name: item.html for item in new_user_params.decks}
        written.append((by_name, deck._get_deck(new_user_params, ignore_jupyter=True)))
        return output_deck(task_name, new_user_params)

    monkeypatch.setattr(deck, "_output_deck", recorded)
    return written


@pytest.mark.parametrize("name", REPORTING)
def test_a_task_shows_the_report_file_as_its_deck(name, decks):
    workflow = workflow_of(name)
    outputs = workflow(**bind_inputs(workflow, compose_config(name, hydra=True), {}))
    (report,) = [file for file in files(outputs) if Path(file.path).name == reports.FILE_NAME]
    page = Path(report.path).read_text()
    ((fragment, deck_page),) = [
        (by_name[reports.DECK_NAME], rendered)
        for by_name, rendered in decks
        if reports.DECK_NAME in by_name
    ]
    assert "<svg" in fragment and fragment in page and fragment in deck_page


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTING)
def test_a_local_run_saves_the_report_in_its_output_folder_also_from_the_cache(name, tmp_path):
    home = tmp_path / "home"
    saved = []
    for run in ("first", "cached"):
        output = run_workflow_script(
            name, f"hydra.run.dir={tmp_path / run}", cwd=tmp_path, home=home
        )
        report = tmp_path / run / reports.FILE_NAME
        assert f"report saved to {report}" in output
        saved.append(report.read_text())
    assert saved[0].startswith("<!DOCTYPE html>") and "<svg" in saved[0]
    # pygal gives each drawing new ids: the same page is the first run's, from Flyte's cache
    assert saved[1] == saved[0]
