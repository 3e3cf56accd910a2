"""Package mode for every workflow, run like a user would, the package read back with flyteidl.

``python <workflow>.py -m hydra.launcher.mode=package`` must write what ``flytectl register files``
accepts: ``<n>_<name>_<1|2|3>.pb`` files of admin TaskSpec, WorkflowSpec and LaunchPlan protobufs
in a .tgz, plus a manifest. Flyte has no offline check of such a package (flytectl is no Python
package); ``pyflyte register --dry-run`` of the workflow file, offline, must agree with it.
"""

import hashlib
import io
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from flytekit.core.array_node_map_task import ArrayNodeMapTask
from flytekit.core.workflow import WorkflowBase

from infra.workflow.binding import CONFIG_INPUT, plain
from infra.workflow.discovery import reachable, run_task
from support.fixture_project import (
    WORKFLOW_NAMES,
    WORKFLOWS_DIR,
    compose_config,
    fixture_package_manifest,
    group_sweep,
    package_fixture,
    tasks_of,
    workflow_of,
)
from support.literals import decoded
from support.packages import read_package

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included

VERSION = "pkg-1"
# The placeholder flytectl fills in, spelled so that cookiecutter's Jinja leaves it alone.
REMOTE_PACKAGE_PATH = "{" * 2 + " .remote_package_path " + "}" * 2
FAST = WORKFLOW_NAMES[0]  # also packaged with fast registration
# A line of `pyflyte register --dry-run`: what it would register. Rich wraps it at the terminal's
# width, so a long package name puts the "(Dry run Mode)" on the next line.
DRY_RUN_LINE = re.compile(r"(Task|Workflow|Launch Plan): (\S+)\s+\(Dry\s+run\s+Mode\)")


def package(root: Path, name: str, *overrides: str, process: bool = False) -> tuple[dict, dict]:
    """``python <name>.py -m hydra.launcher.mode=package overrides``: (entities, manifest)."""
    folder = root / name / hashlib.sha256(repr(overrides).encode()).hexdigest()[:8]
    folder.mkdir(parents=True)
    package_fixture(name, *overrides, tmp_path=folder, version=VERSION, process=process)
    manifest = fixture_package_manifest(name, folder, VERSION)
    return read_package(folder / "dist" / manifest["package"]), manifest


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Each workflow packaged once, with a sweep over its first config group."""
    root = tmp_path_factory.mktemp("packages")
    return {name: package(root, name, *group_sweep(name)) for name in WORKFLOW_NAMES}


@pytest.fixture(scope="module")
def fast_package(tmp_path_factory):
    return package(tmp_path_factory.mktemp("fast"), FAST, "hydra.launcher.fast_register=true")


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_entity_has_the_one_version_project_and_domain(packages, name, settings_of):
    settings = settings_of(name)
    entities, manifest = packages[name]
    ids = [entity.template.id for entity in entities["1"] + entities["2"]]
    ids += [launch_plan.id for launch_plan in entities["3"]]
    assert {(i.project, i.domain, i.version) for i in ids} == {
        (settings.project, settings.domain, VERSION)
    }
    assert manifest["version"] == VERSION
    repository = settings.images["default"].repository
    assert manifest["images"] == {"default": f"{repository}:{VERSION}"}


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_task_runs_in_the_project_image_from_its_module(packages, name):
    entities, manifest = packages[name]
    assert [task.template.id.name for task in entities["1"]] == [t.name for t in tasks_of(name)]
    for task, found in zip(entities["1"], tasks_of(name), strict=True):
        container = task.template.container
        assert container.image == manifest["images"]["default"]
        args = list(container.args)
        mapped = isinstance(found, ArrayNodeMapTask)  # its sub-task runs each item
        assert args[0] == ("pyflyte-map-execute" if mapped else "pyflyte-execute")
        assert args[-5 if mapped else args.index("--resolver") + 1].endswith(
            "default_task_resolver"
        )
        module, _, function = run_task(found).name.rpartition(".")
        assert args[-4:] == ["task-module", module, "task-name", function]
        assert task.template.metadata.discoverable == found.metadata.cache
        assert task.template.metadata.discovery_version == found.metadata.cache_version


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_sweep_packages_one_launch_plan_per_job_holding_its_inputs(packages, name):
    entities, manifest = packages[name]
    workflow = workflow_of(name).name
    workflows = [e.name for e in reachable(workflow_of(name)) if isinstance(e, WorkflowBase)]
    assert sorted(spec.template.id.name for spec in entities["2"]) == sorted(workflows)
    default, *jobs = entities["3"]
    assert default.id.name == workflow
    assert [lp.id.name for lp in jobs] == [lp["name"] for lp in manifest["launch_plans"]]
    sweep = group_sweep(name)
    assert len(jobs) == (len(sweep[0].split(",")) if sweep else 1)
    for launch_plan, job in zip(jobs, manifest["launch_plans"], strict=True):
        assert launch_plan.id.name.startswith(f"{workflow}.")
        assert launch_plan.spec.workflow_id.name == workflow
        assert launch_plan.spec.workflow_id.version == VERSION
        config = compose_config(name, job["overrides"])
        parameters = launch_plan.spec.default_inputs.parameters
        for input_name, python_type in workflow_of(name).python_interface.inputs.items():
            parameter = parameters[input_name]
            assert not parameter.required
            if input_name == CONFIG_INPUT:
                expected = plain(config)
                assert decoded(parameter.default) == expected
            else:
                expected = plain(config)[input_name]  # binding rule 2: a top-level key
                assert decoded(parameter.default, python_type) == expected
            assert job["inputs"][input_name] == expected


def test_fast_registration_ships_the_source_and_leaves_its_location_open(fast_package):
    entities, _ = fast_package
    for task in entities["1"]:
        args = list(task.template.container.args)
        assert args[:5] == [
            "pyflyte-fast-execute",
            "--additional-distribution",
            REMOTE_PACKAGE_PATH,
            "--dest-dir",
            ".",
        ]
    ((archive_name, archive),) = entities["files"]
    assert archive_name.startswith("fast") and archive_name.endswith(".tar.gz")
    module = tasks_of(FAST)[0].name.rpartition(".")[0]
    with tarfile.open(fileobj=io.BytesIO(archive)) as source:
        assert module.replace(".", "/") + ".py" in source.getnames()


def test_the_same_inputs_give_the_same_launch_plan_names(packages, tmp_path):
    name = WORKFLOW_NAMES[0]
    _, manifest = packages[name]
    first = manifest["launch_plans"][0]
    _, again = package(tmp_path, name, *first["overrides"], process=True)  # nothing shared
    assert again["launch_plans"][0]["name"] == first["name"]


def pyflyte_register_dry_run(name: str, manifest: dict, cwd: Path) -> dict[str, list[str]]:
    """``pyflyte register --dry-run`` of the workflow file ``name`` at the manifest's version,
    image, project and domain, as the README shows it: the names listed by kind."""
    command = [str(Path(sys.executable).parent / "pyflyte"), "register", "--dry-run"]
    command += ["--copy", "none", "--version", manifest["version"]]
    command += ["--image", manifest["images"]["default"]]
    command += ["--project", manifest["project"], "--domain", manifest["domain"]]
    command += [str(WORKFLOWS_DIR / f"{name}.py")]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Successfully registered" in output, output
    listed: dict[str, list[str]] = {"Task": [], "Workflow": [], "Launch Plan": []}
    for kind, entity in DRY_RUN_LINE.findall(output):
        listed[kind].append(entity)
    return listed


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_pyflyte_register_dry_run_lists_what_the_package_registers(packages, name, tmp_path):
    entities, manifest = packages[name]
    listed = pyflyte_register_dry_run(name, manifest, tmp_path)
    # pyflyte lists every task of the modules the file imports; the package, those the workflow
    # runs. The launch plans of sweep jobs are the launcher's own; the default one is in both.
    # A map_task is listed as the task it maps; pyflyte adds a default launch plan per workflow.
    packaged_tasks = {task.template.id.name for task in entities["1"]}
    assert packaged_tasks == {task.name for task in tasks_of(name)}
    assert {run_task(task).name for task in tasks_of(name)} <= set(listed["Task"])
    assert sorted(listed["Workflow"]) == sorted(spec.template.id.name for spec in entities["2"])
    assert entities["3"][0].id.name == manifest["workflow"]
    assert sorted(listed["Launch Plan"]) == sorted(listed["Workflow"])
