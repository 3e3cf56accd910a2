"""Package mode for every workflow, run like a user would, the package read back with flyteidl.

``python <workflow>.py -m hydra.launcher.mode=package`` must write what ``pyflyte register`` and
``flytectl register files`` accept: ``<n>_<name>_<1|2|3>.pb`` files of admin TaskSpec,
WorkflowSpec and LaunchPlan protobufs in a .tgz, plus a manifest.
"""

import io
import json
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2

from conftest import SMALL_DATA, compose_config, decoded, job_config, run_workflow_script

PACKAGE = "{{ cookiecutter.package_name }}"
VERSION = "pkg-1"
# The placeholder flytectl fills in, spelled so that cookiecutter's Jinja leaves it alone.
REMOTE_PACKAGE_PATH = "{" * 2 + " .remote_package_path " + "}" * 2
KINDS = {"1": task_pb2.TaskSpec, "2": workflow_pb2.WorkflowSpec, "3": launch_plan_pb2.LaunchPlan}
RUNS = {  # workflow -> sweep overrides
    "multi_task": ["model=linear,cubic", *SMALL_DATA],
    "single_task": ["hydra.launcher.fast_register=true"],
    "extra_inputs": ['query="1.0, 2.0"'],
}


def read_package(path: Path) -> dict[str, list]:
    """The package's protobufs by kind ("1" tasks, "2" workflows, "3" launch plans); any other
    members (the source archive of fast registration) under "files"."""
    entities: dict[str, list] = {"1": [], "2": [], "3": [], "files": []}
    with tarfile.open(path) as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar.getmembers()}
    protobufs = sorted((name for name in members if name.endswith(".pb")), key=_index)
    for name in protobufs:
        kind = name.removesuffix(".pb").rpartition("_")[2]
        entities[kind].append(KINDS[kind].FromString(members[name]))
    entities["files"] = [(name, data) for name, data in members.items() if name not in protobufs]
    return entities


def _index(name: str) -> int:
    """The registration order a package file name starts with."""
    return int(name.partition("_")[0])


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Each workflow packaged once, in parallel: {workflow: (entities, manifest)}."""
    root = tmp_path_factory.mktemp("packages")

    def package(workflow: str):
        folder = root / workflow
        run_workflow_script(
            workflow,
            "-m",
            "hydra.launcher.mode=package",
            f"hydra.launcher.version={VERSION}",
            f"hydra.launcher.package_dir={folder}",
            f"hydra.sweep.dir={root / 'sweeps' / workflow}",
            *RUNS[workflow],
            home=root,
            cwd=root,
        )
        manifest = json.loads((folder / f"{workflow}-{VERSION}.json").read_text())
        return read_package(folder / manifest["package"]), manifest

    with ThreadPoolExecutor(len(RUNS)) as pool:
        return dict(zip(RUNS, pool.map(package, RUNS), strict=True))


def launcher():
    return compose_config("multi_task", hydra=True).hydra.launcher


@pytest.mark.parametrize("workflow", RUNS)
def test_every_entity_has_the_one_version_project_and_domain(packages, workflow):
    entities, manifest = packages[workflow]
    ids = [entity.template.id for entity in entities["1"] + entities["2"]]
    ids += [launch_plan.id for launch_plan in entities["3"]]
    assert {(i.project, i.domain, i.version) for i in ids} == {
        (launcher().project, launcher().domain, VERSION)
    }
    assert manifest["version"] == VERSION
    assert manifest["images"] == {"default": f"{launcher().images.default.repository}:{VERSION}"}


def test_tasks_run_in_the_project_image_from_their_module(packages):
    entities, manifest = packages["multi_task"]
    names = [task.template.id.name for task in entities["1"]]
    assert names == [
        f"{PACKAGE}.workflows.tasks.{name}"
        for name in ("split_config", "prepare_data", "train", "evaluate")
    ]
    for task in entities["1"]:
        container = task.template.container
        assert container.image == manifest["images"]["default"]
        args = list(container.args)
        assert args[0] == "pyflyte-execute"
        assert args[args.index("--resolver") + 1].endswith("default_task_resolver")
        assert args[-4:] == [
            "task-module",
            f"{PACKAGE}.workflows.tasks",
            "task-name",
            task.template.id.name.rpartition(".")[2],
        ]


def test_a_sweep_packages_one_launch_plan_per_job_holding_its_config(packages):
    entities, manifest = packages["multi_task"]
    workflow = f"{PACKAGE}.workflows.multi_task.pipeline"
    assert [spec.template.id.name for spec in entities["2"]] == [workflow]
    default, *jobs = entities["3"]
    assert default.id.name == workflow
    assert default.spec.default_inputs.parameters["cfg"].required
    assert [lp.id.name for lp in jobs] == [lp["name"] for lp in manifest["launch_plans"]]
    assert all(lp.id.name.startswith(f"{workflow}.") for lp in jobs)
    for launch_plan, job, model in zip(
        jobs, manifest["launch_plans"], ("linear", "cubic"), strict=True
    ):
        assert launch_plan.spec.workflow_id.name == workflow
        assert launch_plan.spec.workflow_id.version == VERSION
        expected = job_config("multi_task", [f"model={model}", *SMALL_DATA])
        cfg = launch_plan.spec.default_inputs.parameters["cfg"]
        assert not cfg.required
        assert decoded(cfg.default) == expected
        assert job["overrides"] == [f"model={model}", *SMALL_DATA]
        assert job["inputs"]["cfg"] == expected


def test_extra_inputs_are_bound_from_the_config(packages):
    entities, manifest = packages["extra_inputs"]
    parameters = entities["3"][1].spec.default_inputs.parameters
    assert decoded(parameters["query"].default, str) == "1.0, 2.0"
    assert decoded(parameters["overrides"].default, list[str]) == []
    assert decoded(parameters["cfg"].default) == job_config("extra_inputs", ['query="1.0, 2.0"'])
    assert manifest["launch_plans"][0]["inputs"]["query"] == "1.0, 2.0"


def test_fast_registration_ships_the_source_and_leaves_its_location_open(packages):
    entities, _ = packages["single_task"]
    (task,) = entities["1"]
    args = list(task.template.container.args)
    assert args[:5] == [
        "pyflyte-fast-execute",
        "--additional-distribution",
        REMOTE_PACKAGE_PATH,
        "--dest-dir",
        ".",
    ]
    ((name, archive),) = entities["files"]
    assert name.startswith("fast") and name.endswith(".tar.gz")
    with tarfile.open(fileobj=io.BytesIO(archive)) as source:
        assert f"{PACKAGE}/workflows/single_task.py" in source.getnames()


def test_the_same_inputs_give_the_same_launch_plan_names(packages, tmp_path):
    _, manifest = packages["multi_task"]
    run_workflow_script(
        "multi_task",
        "-m",
        "hydra.launcher.mode=package",
        f"hydra.launcher.version={VERSION}",
        f"hydra.launcher.package_dir={tmp_path}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "model=cubic",
        *SMALL_DATA,
        home=tmp_path,
        cwd=tmp_path,
    )
    again = json.loads((tmp_path / f"multi_task-{VERSION}.json").read_text())
    assert again["launch_plans"][0]["name"] == manifest["launch_plans"][1]["name"]
