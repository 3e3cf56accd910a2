"""Every workflow runs here on its primary config, and ``python x.py`` (its ``main``) gives it the
same inputs as the launcher's binding rule does for ``python x.py -m``."""

import pytest

from infra.workflow.binding import bind_inputs, plain
from support.project import (
    WORKFLOW_MODULES,
    WORKFLOW_NAMES,
    compose_config,
    hydra_job,
    workflow_of,
)


def plain_inputs(values: dict) -> dict:
    return {name: plain(value) for name, value in values.items()}


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_main_runs_the_workflow_on_the_inputs_the_launcher_binds(name, monkeypatch, tmp_path):
    module, workflow = WORKFLOW_MODULES[name], workflow_of(name)
    (attribute,) = [key for key, value in vars(module).items() if value is workflow]
    calls = []

    def recorded(**inputs):
        calls.append(inputs)
        return workflow(**inputs)

    monkeypatch.setattr(module, attribute, recorded)
    with hydra_job(name, output_dir=tmp_path) as config:
        module.main.__wrapped__(config)
    (inputs,) = calls
    bound = bind_inputs(workflow, compose_config(name, hydra=True), {})
    assert plain_inputs(inputs) == plain_inputs(bound)
