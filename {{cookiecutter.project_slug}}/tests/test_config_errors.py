"""A value of the wrong type fails when the config is composed, in every entry point (a plain
run and ``-m`` in each launcher mode), naming the key and the value, before any task runs."""

import pytest

from support.project import WORKFLOW_NAMES, WRONG, compose_config, typed_leaves
from support.scripts import run_workflow_script

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included

NAME = WORKFLOW_NAMES[0]
KEY = typed_leaves(compose_config(NAME))[0][0]
MODES = {
    "plain run": [],
    "local": ["-m", "hydra.launcher.mode=local"],
    "package": ["-m", "hydra.launcher.mode=package"],
    "remote": ["-m", "hydra.launcher.mode=remote", "hydra.launcher.build=false"],
}


@pytest.mark.parametrize("mode", MODES)
def test_a_wrong_type_fails_at_composition(mode, tmp_path, flyteadmin):
    endpoint = [f"hydra.launcher.connection.endpoint={flyteadmin.endpoint}"] if MODES[mode] else []
    output = run_workflow_script(
        NAME,
        *MODES[mode],
        *endpoint,
        f"{KEY}={WRONG}",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'multirun'}",
        f"hydra.run.dir={tmp_path / 'outputs'}",
        cwd=tmp_path,
        home=tmp_path,
        succeed=False,
    )
    assert f"Error merging override {KEY}={WRONG}" in output
    assert f"full_key: {KEY}" in output
    assert not (tmp_path / ".flyte").exists(), "a task ran"
    assert not (tmp_path / "dist").exists() and not flyteadmin.requests


@pytest.mark.parametrize("mode", [mode for mode, arguments in MODES.items() if arguments])
def test_a_value_left_unchosen_is_named_before_anything_is_launched(mode, tmp_path, flyteadmin):
    output = run_workflow_script(
        NAME,
        *MODES[mode],
        f"hydra.launcher.connection.endpoint={flyteadmin.endpoint}",
        f"{KEY}=???",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'multirun'}",
        cwd=tmp_path,
        home=tmp_path,
        succeed=False,
    )
    assert f"config values left ??? must be chosen: ['{KEY}']" in output
    assert not (tmp_path / ".flyte").exists(), "a task ran"
    assert not (tmp_path / "dist").exists() and not flyteadmin.requests
