"""Per-task settings (``hydra.launcher.tasks.<task>``), run like a user runs them: a primary config
of the user's sets them for one task of a discovered workflow; package and remote mode carry
them in that task's template alone, bad values fail before anything is packaged or sent, and
local runs ignore them."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from flyteidl.core import tasks_pb2
from flytekit import Resources, task, workflow
from flytekit.core.base_task import PythonTask
from flytekit.core.resources import ResourceSpec
from flytekit.models.task import TaskSpec

from infra.errors import LauncherError
from infra.flyteadmin.serialization import registrable_entities, serialization_settings
from infra.settings.resources import parse_quantity
from infra.settings.tasks import (
    TaskSettings,
    find_task,
    short_name,
    task_settings,
    with_task_settings,
)
from support.fixture_project import (
    WORKFLOW_NAMES,
    fixture_sweep,
    run_fixture,
    tasks_of,
    workflow_of,
)
from support.flyteadmin import serving
from support.packages import read_package
from support.scripts import ROOT
from support.settings import REPO, settings_with

# The workflow with the most tasks, and the last of its tasks whose function name is its own.
NAME = max(WORKFLOW_NAMES, key=lambda name: len(tasks_of(name)))
TASKS = tasks_of(NAME)
TASK = [t for t in TASKS if [short_name(o) for o in TASKS].count(short_name(t)) == 1][-1]
SHORT = short_name(TASK)
VERSION = "tasks-1"
GPU_REPOSITORY = "registry.example.com/team/gpu"
SETTINGS = {
    "requests": {"cpu": "500m", "memory": "4Gi", "gpu": 1},
    "limits": {"cpu": 2, "memory": "8Gi", "gpu": 1, "ephemeral_storage": "10Gi"},
    "retries": 3,
    "timeout": "1h30m",
    "interruptible": True,
    "image": "gpu",
}
IMAGES = {"default": f"{REPO}:v1", "gpu": f"{GPU_REPOSITORY}:v1"}


def primary_config(folder: Path, tasks: dict) -> list[str]:
    """A primary config of the user's beside the project's: ``NAME``'s, plus a GPU image and
    ``hydra.launcher.tasks``; the arguments that select it."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "defaults": [NAME, "_self_"],
        "hydra": {"launcher": {"images": {"gpu": {"repository": GPU_REPOSITORY}}, "tasks": tasks}},
    }
    (folder / "gpu.yaml").write_text(yaml.safe_dump(config))
    return [f"--config-dir={folder}", "--config-name=gpu"]


def package(tmp_path: Path, tasks: dict, *overrides: str, succeed: bool = True) -> tuple[str, Path]:
    """``python <NAME>.py -m`` in package mode with ``tasks``: its output and package folder."""
    folder = tmp_path / "dist"
    output = run_fixture(
        NAME,
        *primary_config(tmp_path / "conf", tasks),
        "-m",
        "hydra.launcher.mode=package",
        f"hydra.launcher.version={VERSION}",
        f"hydra.launcher.package_dir={folder}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        *overrides,
        cwd=tmp_path,
        succeed=succeed,
    )
    return output, folder


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    """The package's task templates by name and its manifest, with ``SETTINGS`` (all in the
    primary config but one, added on the command line as the docs show) and without."""
    in_config = {
        **SETTINGS,
        "limits": {k: v for k, v in SETTINGS["limits"].items() if k != "memory"},
    }
    memory = f"+hydra.launcher.tasks.{SHORT}.limits.memory={SETTINGS['limits']['memory']}"
    packages = {}
    for label, tasks, overrides in (("with", {SHORT: in_config}, [memory]), ("without", {}, [])):
        _, folder = package(tmp_path_factory.mktemp(label), tasks, *overrides)
        manifest = yaml.safe_load((folder / f"{NAME}-{VERSION}.json").read_text())
        specs = read_package(folder / manifest["package"])["1"]
        packages[label] = ({spec.template.id.name: spec for spec in specs}, manifest)
    return packages


def resources_of(template) -> dict[str, dict[str, str]]:
    """A task template's requests and limits as ``{"requests": {"CPU": "2"}, ...}``."""
    resources = template.container.resources
    return {
        side: {tasks_pb2.Resources.ResourceName.Name(e.name): e.value for e in entries}
        for side, entries in (("requests", resources.requests), ("limits", resources.limits))
    }


EXPECTED_RESOURCES = {
    "requests": {"CPU": "500m", "MEMORY": "4Gi", "GPU": "1"},
    "limits": {"CPU": "2", "MEMORY": "8Gi", "GPU": "1", "EPHEMERAL_STORAGE": "10Gi"},
}


def assert_carries_settings(template) -> None:
    assert resources_of(template) == EXPECTED_RESOURCES
    assert template.container.image == f"{GPU_REPOSITORY}:{VERSION}"
    assert template.metadata.retries.retries == 3
    assert template.metadata.timeout.ToSeconds() == 90 * 60
    assert template.metadata.interruptible is True


@pytest.mark.slow
def test_the_packaged_task_carries_its_settings_and_no_other_task_changes(packaged):
    specs, _ = packaged["with"]
    plain, _ = packaged["without"]
    assert_carries_settings(specs[TASK.name].template)
    assert plain[TASK.name].template.container.image != f"{GPU_REPOSITORY}:{VERSION}"
    assert not plain[TASK.name].template.container.resources.requests
    others = [name for name in specs if name != TASK.name]
    assert others and sorted(others) == sorted(t.name for t in TASKS if t is not TASK)
    for name in others:
        assert specs[name] == plain[name]


@pytest.mark.slow
def test_the_manifest_lists_every_task_with_its_settings(packaged):
    _, manifest = packaged["with"]
    assert list(manifest["tasks"]) == [t.name for t in TASKS]
    assert manifest["tasks"][TASK.name] == {
        "image": f"{GPU_REPOSITORY}:{VERSION}",
        "requests": {"cpu": "500m", "memory": "4Gi", "gpu": "1"},
        "limits": {"cpu": "2", "memory": "8Gi", "gpu": "1", "ephemeral_storage": "10Gi"},
        "retries": 3,
        "timeout": 5400,
        "interruptible": True,
    }
    default_image = manifest["images"]["default"]
    for name, settings in manifest["tasks"].items():
        if name != TASK.name:
            assert settings["image"] == default_image and settings["retries"] == 0


def command_line(key: str, settings: dict) -> list[str]:
    """``settings`` as ``+hydra.launcher.tasks.<key>.<field>=<value>`` overrides."""
    overrides = []
    for field, value in settings.items():
        values = value.items() if isinstance(value, dict) else [(None, value)]
        for name, item in values:
            path = ".".join(part for part in (field, name) if part)
            text = str(item).lower() if isinstance(item, bool) else str(item)
            overrides.append(f"+hydra.launcher.tasks.{key}.{path}={text}")
    return overrides


@pytest.mark.slow
def test_remote_mode_registers_the_task_with_its_settings_from_the_command_line(tmp_path):
    with serving() as admin:
        run_fixture(
            NAME,
            *primary_config(tmp_path / "conf", {}),
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            "hydra.launcher.run=false",
            f"hydra.launcher.version={VERSION}",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            *command_line(SHORT, SETTINGS),
            cwd=tmp_path,
        )
        created = {request.id.name: request.spec for request in admin.calls("CreateTask")}
    assert sorted(created) == sorted(t.name for t in TASKS)
    assert_carries_settings(created[TASK.name].template)
    for name, spec in created.items():
        if name != TASK.name:
            assert not spec.template.container.resources.limits
            assert spec.template.metadata.retries.retries == 0


def local_run(tmp_path: Path, tasks: dict) -> list[dict]:
    """``python <NAME>.py -m`` in local mode with ``tasks``: the JobReturns recorded."""
    options = tuple(primary_config(tmp_path / "conf", tasks))
    return fixture_sweep(NAME, tmp_path=tmp_path, options=options)


@pytest.mark.slow
def test_a_local_run_ignores_them_and_returns_what_it_returns_without(tmp_path):
    (job,) = local_run(tmp_path / "with", {SHORT: SETTINGS})
    (plain,) = local_run(tmp_path / "without", {})
    assert job["status"] == plain["status"] == "COMPLETED"
    assert job["value"] == plain["value"]


def launcher_yaml_example() -> dict:
    """The GPU example commented in the project's conf/hydra/launcher/flyte.yaml, uncommented
    (the test is skipped if the user removed it)."""
    path = ROOT / "conf/hydra/launcher/flyte.yaml"
    lines = path.read_text().splitlines() if path.is_file() else []
    starts = [n + 1 for n, line in enumerate(lines) if "A GPU example:" in line]
    if not starts:
        pytest.skip(f"{path} has no GPU example")
    start = starts[0]
    block = []
    for line in lines[start:]:
        if not line.startswith("#   "):
            break
        block.append(line.removeprefix("#   "))
    return yaml.safe_load("\n".join(block))


def test_the_launcher_configs_gpu_example_is_accepted_as_it_is_written():
    example = launcher_yaml_example()
    images = {"default": IMAGES["default"]}
    images |= {name: f"{image['repository']}:v1" for name, image in example["images"].items()}
    for config in example["tasks"].values():  # given to a task of the fixture workflow
        settings = task_settings(workflow_of(NAME), {SHORT: config}, images)
        assert list(settings) == [TASK.name]
        applied = settings[TASK.name]
        assert applied.resources.limits.gpu == str(config["limits"]["gpu"])
        assert applied.image == images[config["image"]]


# Bad values of each kind, as a user might write them, and what the error must say.
BAD = {
    "not a quantity": (
        {"limits": {"memory": "4GB"}},
        f"hydra.launcher.tasks.{SHORT}.limits.memory='4GB': must be a Kubernetes quantity",
    ),
    "negative": (
        {"requests": {"cpu": "-1"}},
        f"hydra.launcher.tasks.{SHORT}.requests.cpu='-1': must be 0 or more",
    ),
    "more than Kubernetes holds": (
        {"requests": {"cpu": "1e32"}},
        f"hydra.launcher.tasks.{SHORT}.requests.cpu='1e32': must be at most 9223372036854775.807",
    ),
    "zero limit": (
        {"limits": {"memory": 0}},
        f"hydra.launcher.tasks.{SHORT}.limits.memory='0': must be more than 0",
    ),
    "fractional GPU": (
        {"limits": {"gpu": 0.5}},
        f"hydra.launcher.tasks.{SHORT}.limits.gpu='0.5': a GPU count must be a whole number",
    ),
    "request over limit": (
        {"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}},
        f"hydra.launcher.tasks.{SHORT}.requests.memory='2Gi' is more than "
        f"hydra.launcher.tasks.{SHORT}.limits.memory='1Gi': a request must not exceed its limit",
    ),
    "GPU request unlike limit": (
        {"requests": {"gpu": 1}, "limits": {"gpu": 2}},
        "a GPU request must equal its limit when both are set",
    ),
    "negative retries": (
        {"retries": -1},
        f"hydra.launcher.tasks.{SHORT}.retries=-1 is out of range",
    ),
    "timeout not a duration": (
        {"timeout": "1.5h"},
        f"hydra.launcher.tasks.{SHORT}.timeout='1.5h' is not a duration",
    ),
    "timeout zero": (
        {"timeout": 0},
        f"hydra.launcher.tasks.{SHORT}.timeout='0' is out of range",
    ),
    "unknown image": (
        {"image": "tpu"},
        f"hydra.launcher.tasks.{SHORT}.image='tpu' is not one of hydra.launcher.images",
    ),
    "unknown setting": (
        {"retry": 2},
        f"hydra.launcher.tasks.{SHORT}.retry: Key 'retry' not in 'TaskConfig'",
    ),
    "wrong type": (
        {"retries": "twice"},
        f"hydra.launcher.tasks.{SHORT}.retries: Value 'twice' of type 'str' could not be converted",
    ),
}


@pytest.mark.parametrize("kind", BAD)
def test_each_bad_value_is_refused_naming_the_task_setting_and_rule(kind):
    settings, message = BAD[kind]
    with pytest.raises(LauncherError) as raised:
        task_settings(workflow_of(NAME), {SHORT: settings}, IMAGES)
    assert message in str(raised.value)


def test_an_unknown_task_is_refused_listing_the_workflows_tasks():
    with pytest.raises(LauncherError) as raised:
        task_settings(workflow_of(NAME), {"no_such_task": {"retries": 1}}, IMAGES)
    assert f"workflow {workflow_of(NAME).name} has no task 'no_such_task'" in str(raised.value)
    assert str(sorted({short_name(t) for t in TASKS})) in str(raised.value)


def twin_of(original: PythonTask) -> PythonTask:
    """A task of this test module with the same function name as ``original``."""

    def twin() -> None: ...

    twin.__name__ = twin.__qualname__ = short_name(original)
    return task(twin)


def test_a_short_name_two_tasks_share_is_refused_naming_both():
    twin = twin_of(TASK)
    with pytest.raises(LauncherError) as raised:
        find_task(SHORT, [*TASKS, twin], "pipeline")
    assert f"hydra.launcher.tasks.{SHORT} is ambiguous" in str(raised.value)
    assert str(sorted([TASK.name, twin.name])) in str(raised.value)
    assert find_task(TASK.name, [*TASKS, twin], "pipeline") is TASK  # the full name is not


@task(requests=Resources(cpu="4"), limits=Resources(cpu="2"))
def greedy() -> None:
    """A task whose own requests exceed its limits."""


@workflow
def greedy_pipeline() -> None:
    greedy()


def test_a_tasks_own_resources_are_checked_and_config_merges_resource_by_resource():
    with pytest.raises(LauncherError) as raised:
        task_settings(greedy_pipeline, {}, IMAGES)
    assert f"task {greedy.name}: @task requests.cpu='4' is more than @task limits.cpu='2'" in str(
        raised.value
    )
    settings = task_settings(greedy_pipeline, {"greedy": {"limits": {"cpu": 8}}}, IMAGES)
    assert settings[greedy.name].resources == ResourceSpec(
        requests=Resources(cpu="4"), limits=Resources(cpu="8")
    )


def test_settings_that_change_nothing_leave_every_template_as_flytekit_made_it():
    serialization = serialization_settings(settings_with(), VERSION, IMAGES)
    for name in WORKFLOW_NAMES:
        entities = registrable_entities(workflow_of(name), [], serialization, {})
        for spec in [e for e in entities if isinstance(e, TaskSpec)]:
            assert with_task_settings(spec, TaskSettings()) == spec


def test_a_task_named_twice_is_refused():
    with pytest.raises(LauncherError, match="are both task"):
        task_settings(workflow_of(NAME), {SHORT: {}, TASK.name: {}}, IMAGES)


def test_settings_are_kept_by_full_name_and_leave_the_task_object_alone():
    before = (TASK.resources, TASK.metadata.retries, TASK.metadata.timeout)
    settings = task_settings(workflow_of(NAME), {SHORT: SETTINGS}, IMAGES)
    assert list(settings) == [TASK.name]
    assert settings[TASK.name].image == IMAGES["gpu"]
    assert (TASK.resources, TASK.metadata.retries, TASK.metadata.timeout) == before


@pytest.mark.parametrize(
    "mode", ["package", "remote"], ids=["nothing packaged", "nothing sent to flyteadmin"]
)
@pytest.mark.slow
def test_a_bad_value_fails_before_anything_is_packaged_or_sent(mode, tmp_path, flyteadmin):
    settings, message = BAD["fractional GPU" if mode == "package" else "request over limit"]
    output = run_fixture(
        NAME,
        *primary_config(tmp_path / "conf", {SHORT: settings}),
        "-m",
        f"hydra.launcher.mode={mode}",
        f"hydra.launcher.connection.endpoint={flyteadmin.endpoint}",
        "hydra.launcher.build=false",
        f"hydra.launcher.version={VERSION}",
        f"hydra.launcher.package_dir={tmp_path / 'dist'}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=tmp_path,
        succeed=False,
    )
    assert message in output
    assert not (tmp_path / "dist").exists()
    assert not flyteadmin.requests


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2),
        ("500m", Decimal("0.5")),
        ("1.5Gi", 1.5 * 2**30),
        ("512Mi", 512 * 2**20),
        ("10G", 10**10),
        ("1e3", 1000),
        ("1E3", 1000),
        ("2E", 2 * 10**18),
        (".5", Decimal("0.5")),
        ("+1k", 1000),
    ],
)
def test_kubernetes_quantities_parse_to_their_value(text, value):
    assert parse_quantity(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "Gi", "4GB", "1 Gi", "1gi", "1.2.3", "0x10", "1e", "1e1.5"])
def test_what_kubernetes_refuses_is_not_a_quantity(text):
    with pytest.raises(ValueError):
        parse_quantity(text)
