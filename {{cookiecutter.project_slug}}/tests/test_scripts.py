"""``support.scripts`` runs a workflow file as ``python <file>.py`` does: in the test's own
process by default, in a new one with ``TEST_WORKFLOWS_IN_NEW_PROCESSES=1``, with the same jobs
and results either way."""

import os

import pytest

from support.fixture_project import WORKFLOW_NAMES, fixture_sweep, group_sweep

pytestmark = pytest.mark.slow  # runs workflow files end to end, once in new processes


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_run_in_this_process_gives_what_a_new_process_gives(name, tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_WORKFLOWS_IN_NEW_PROCESSES", raising=False)
    (tmp_path / "here").mkdir()
    (tmp_path / "new").mkdir()
    here = fixture_sweep(name, *group_sweep(name), tmp_path=tmp_path / "here")
    monkeypatch.setenv("TEST_WORKFLOWS_IN_NEW_PROCESSES", "1")
    new = fixture_sweep(name, *group_sweep(name), tmp_path=tmp_path / "new")
    assert {job.pop("pid") for job in here} == {os.getpid()}
    assert os.getpid() not in {job.pop("pid") for job in new}
    assert here == new
