"""Bad launcher settings fail before anything leaves the machine (infra/settings/checks.py,
infra/settings/rules.py): ``python <workflow>.py -m`` in remote mode (and one case of each kind in
package mode), against a stand-in flyteadmin and a stand-in docker, prints one line naming the key,
the rule and the value, packages nothing, sends no request and runs no image step. Add a row to
BAD_SETTINGS to check one more."""

import math
from typing import NamedTuple

import pytest

from infra.workflow.binding import CONFIG_INPUT
from support.fixture_project import WORKFLOW_NAMES, compose_config, run_fixture, workflow_of
from support.scripts import ROOT  # the project holding infra/, which package_dir must not be

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included

NAME = WORKFLOW_NAMES[0]
MODES = ("package", "remote")
TAG_RULE = "must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
SECONDS = "must be a finite number of seconds greater than 0"
POLL_RULE = "must be a finite number of seconds, at least 0.05"


def config_given_input() -> tuple[str, str] | None:
    """A workflow and one of its inputs that the config gives (rule 2 of
    infra/workflow/binding.py)."""
    for name in WORKFLOW_NAMES:
        config = compose_config(name)
        for field in workflow_of(name).python_interface.inputs:
            if field != CONFIG_INPUT and field in config:
                return name, field
    return None


class Bad(NamedTuple):
    """Overrides that break one rule, and the refusal's key, the rule's start and the value."""

    overrides: list[str]
    key: str
    rule: str
    value: object
    workflow: str = NAME


def bad(override: str, rule: str, value: object, *more: str, item: bool = False) -> Bad:
    """The setting ``override`` sets (without a leading ``+``) is the refusal's key; with
    ``item``, its list's first item is."""
    key = override.lstrip("+").partition("=")[0] + ("[0]" if item else "")
    return Bad([override, *more], key, rule, value)


BAD_SETTINGS = {
    "tag with a space": bad("hydra.launcher.images.default.tag='a b'", TAG_RULE, "a b"),
    "tag too long": bad(f"hydra.launcher.images.default.tag={'v' * 129}", TAG_RULE, "v" * 129),
    "empty repository": bad(
        "hydra.launcher.images.default.repository=''", "must be an image repository", ""
    ),
    "upper-case repository": bad(
        "hydra.launcher.images.default.repository=ghcr.io/Org/app",
        "must be [registry[:port]/]path",
        "ghcr.io/Org/app",
    ),
    "URL repository": bad(
        "hydra.launcher.images.default.repository=https://ghcr.io/org/app",
        "must be an image repository without a scheme",
        "https://ghcr.io/org/app",
    ),
    "repository with a tag": bad(
        "hydra.launcher.images.default.repository=ghcr.io/org/app:v1",
        "must be [registry[:port]/]path",
        "ghcr.io/org/app:v1",
    ),
    "registry port out of range": bad(
        "hydra.launcher.images.default.repository=localhost:70000/app",
        "must start with a registry host[:port]",
        "localhost:70000/app",
    ),
    "empty project": bad("hydra.launcher.project=''", "must be a Flyte id", ""),
    "project with '_'": bad(
        "hydra.launcher.project=my_project", "must be a Flyte id", "my_project"
    ),
    "domain with a space": bad(
        "hydra.launcher.domain='dev elopment'", "must be a Flyte id", "dev elopment"
    ),
    "77-character domain": bad(f"hydra.launcher.domain={'d' * 77}", "must be a Flyte id", "d" * 77),
    "version with a slash": bad(
        "hydra.launcher.version=feature/x", "must be an image tag", "feature/x"
    ),
    "email": bad(
        "hydra.launcher.notifications.email=[not-an-email]",
        "must be an email address",
        "not-an-email",
        item=True,
    ),
    "slack address": bad(
        "hydra.launcher.notifications.slack=['a b@example.com']",
        "must be an email address",
        "a b@example.com",
        item=True,
    ),
    "phase that is not terminal": bad(
        "hydra.launcher.notifications.phases=[RUNNING]",
        "must be a terminal phase",
        "RUNNING",
        "hydra.launcher.notifications.email=[team@example.com]",
        item=True,
    ),
    "no phase with recipients": bad(
        "hydra.launcher.notifications.phases=[]",
        "must name at least one phase",
        [],
        "hydra.launcher.notifications.email=[team@example.com]",
    ),
    "negative timeout": bad("hydra.launcher.connection.timeout_seconds=-1", SECONDS, -1.0),
    "zero timeout": bad("hydra.launcher.connection.timeout_seconds=0", SECONDS, 0.0),
    "infinite timeout": bad("hydra.launcher.connection.timeout_seconds=inf", SECONDS, math.inf),
    "call timeout not a number": bad(
        "hydra.launcher.connection.call_timeout_seconds=nan", SECONDS, math.nan
    ),
    "zero call timeout": bad("hydra.launcher.connection.call_timeout_seconds=0", SECONDS, 0.0),
    "negative upload timeout": bad(
        "hydra.launcher.connection.upload_timeout_seconds=-1", SECONDS, -1.0
    ),
    "upload timeout not a number": bad(
        "hydra.launcher.connection.upload_timeout_seconds=nan", SECONDS, math.nan
    ),
    "negative wait limit": bad("hydra.launcher.wait_timeout_seconds=-5", SECONDS, -5.0),
    "zero poll interval": bad("hydra.launcher.poll_seconds=0", POLL_RULE, 0.0),
    "poll interval under the floor": bad("hydra.launcher.poll_seconds=0.001", POLL_RULE, 0.001),
    "image without a repository": Bad(
        ["++hydra.launcher.images={gpu: {dockerfile: Dockerfile.gpu}}"],
        "hydra.launcher.images.gpu.repository",
        "must be set: an image entry names the repository",
        None,
    ),
    "unknown setting": bad("+hydra.launcher.wiat=true", "must be a setting: one of", True),
    "unknown nested setting": bad(
        "+hydra.launcher.connection.timout=3", "must be a setting: one of endpoint", 3
    ),
    "unknown image setting": bad(
        "+hydra.launcher.images.default.tga=v1", "must be a setting: one of repository", "v1"
    ),
    "unknown input": bad(
        "+hydra.launcher.inputs.no_such_input=1",
        f"must be an input of workflow {workflow_of(NAME).name} that the config does not give",
        1,
    ),
}
if (given := config_given_input()) is not None:
    workflow, field = given
    BAD_SETTINGS["input the config gives"] = Bad(
        [f"+hydra.launcher.inputs.{field}=1"],
        f"hydra.launcher.inputs.{field}",
        "must not be set: the config gives input",
        1,
        workflow,
    )
# A value's rule, an unknown key added with `+`, an unknown workflow input.
PACKAGE_MODE_CASES = ["tag with a space", "unknown nested setting", "unknown input"]
# Where package mode writes: checked in package mode only.
BAD_PACKAGE_DIRS = {
    "empty": bad("hydra.launcher.package_dir=''", "must name a folder", ""),
    "the project folder": bad(
        f"hydra.launcher.package_dir={ROOT}", "must not be the project folder", str(ROOT)
    ),
    "under a file": bad(
        f"hydra.launcher.package_dir={ROOT / 'README.md' / 'x'}",
        "must be a folder:",
        str(ROOT / "README.md" / "x"),
    ),
    "not writable": bad(
        "hydra.launcher.package_dir=/proc/forbidden",
        "must be a folder this user can write",
        "/proc/forbidden",
    ),
}
# Endpoints are checked in remote mode only, where no other endpoint is set.
BAD_ENDPOINTS = {
    "URL endpoint": bad(
        "hydra.launcher.connection.endpoint=https://flyte.example.com:443",
        "must be host:port without a scheme",
        "https://flyte.example.com:443",
    ),
    "endpoint port 0": bad(
        "hydra.launcher.connection.endpoint=localhost:0",
        "must end with a port number",
        "localhost:0",
    ),
}


@pytest.fixture
def docker(tools):
    """A stand-in docker that builds and pushes (records and exits 0)."""
    tools.add("docker")
    return tools


def assert_refused_offline(output: str, case: Bad, tmp_path, admin, docker) -> None:
    """One error line, the case's; nothing packaged, sent or built."""
    errors = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, output
    assert errors[0].startswith(f"Error: {case.key}: {case.rule}"), output
    assert errors[0].endswith(f"(got {case.value!r})"), output
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
    assert admin.requests == [], "a request reached flyteadmin"
    assert docker.calls == [], "an image step ran"


@pytest.mark.parametrize("case", BAD_SETTINGS.values(), ids=list(BAD_SETTINGS))
def test_a_bad_setting_fails_offline_in_remote_mode(case, tmp_path, flyteadmin, docker):
    output = run_refused("remote", case, tmp_path, flyteadmin)
    assert_refused_offline(output, case, tmp_path, flyteadmin, docker)


@pytest.mark.parametrize("name", PACKAGE_MODE_CASES)
def test_a_bad_setting_fails_offline_in_package_mode(name, tmp_path, flyteadmin, docker):
    """The settings are checked before the mode is chosen: one case of each kind shows it."""
    output = run_refused("package", BAD_SETTINGS[name], tmp_path, flyteadmin)
    assert_refused_offline(output, BAD_SETTINGS[name], tmp_path, flyteadmin, docker)


@pytest.mark.parametrize("case", BAD_PACKAGE_DIRS.values(), ids=list(BAD_PACKAGE_DIRS))
def test_a_bad_package_dir_fails_offline(case, tmp_path, flyteadmin, docker):
    output = run_refused("package", case, tmp_path, flyteadmin)
    assert_refused_offline(output, case, tmp_path, flyteadmin, docker)
    assert not list(ROOT.glob("*.tgz"))


@pytest.mark.parametrize("case", BAD_ENDPOINTS.values(), ids=list(BAD_ENDPOINTS))
def test_a_bad_endpoint_fails_offline(case, tmp_path, flyteadmin, docker):
    output = run_refused("remote", case, tmp_path, flyteadmin)
    assert_refused_offline(output, case, tmp_path, flyteadmin, docker)


def run_refused(mode: str, case: Bad, tmp_path, admin) -> str:
    """``python <workflow>.py -m`` in ``mode`` with the case's overrides, which must fail."""
    sets_endpoint = any(".endpoint=" in override for override in case.overrides)
    endpoint = [] if sets_endpoint else [f"hydra.launcher.connection.endpoint={admin.endpoint}"]
    sets_package_dir = any(".package_dir=" in override for override in case.overrides)
    package_dir = [] if sets_package_dir else [f"hydra.launcher.package_dir={tmp_path / 'dist'}"]
    return run_fixture(
        case.workflow,
        "-m",
        f"hydra.launcher.mode={mode}",
        *endpoint,
        *case.overrides,
        *package_dir,
        f"hydra.sweep.dir={tmp_path / 'multirun'}",
        cwd=tmp_path,
        home=tmp_path,
        succeed=False,
    )


@pytest.mark.parametrize("mode", MODES)
def test_the_same_launch_with_good_settings_gets_past_the_checks(
    mode, tmp_path, flyteadmin, docker
):
    """The control: without a bad setting, the same command packages, or builds and reaches
    flyteadmin, so the assertions above can fail."""
    output = run_fixture(
        NAME,
        "-m",
        f"hydra.launcher.mode={mode}",
        f"hydra.launcher.connection.endpoint={flyteadmin.endpoint}",
        "hydra.launcher.version=checks-1",
        "hydra.launcher.run=false",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'multirun'}",
        cwd=tmp_path,
        home=tmp_path,
    )
    if mode == "package":
        assert any((tmp_path / "dist").iterdir()), output
    else:
        assert flyteadmin.requests and docker.calls, output
