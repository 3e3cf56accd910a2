"""The stand-in flyteadmin refuses what flyteadmin refuses (tests/support/admin_rules.py): each
rule gets a request the launcher would send, broken in one way, sent with flytekit's own client,
and expects flyteadmin's status and message. The requests are the launcher's own serialization
of a discovered workflow (the one with the most inputs), its default launch plan and one job's.
"""

from collections.abc import Callable

import grpc
import pytest
from flyteidl.admin import launch_plan_pb2
from flyteidl.core import literals_pb2, tasks_pb2
from flytekit.clients.friendly import SynchronousFlyteClient
from flytekit.configuration import PlatformConfig
from flytekit.exceptions.base import FlyteException
from flytekit.models.admin.workflow import WorkflowSpec
from flytekit.models.execution import ExecutionMetadata, ExecutionSpec
from flytekit.models.launch_plan import LaunchPlan as LaunchPlanModel
from flytekit.models.literals import Literal, LiteralMap
from flytekit.models.project import Project as ProjectModel
from flytekit.models.task import TaskSpec

from infra.flyteadmin.launch_plans import job_launch_plan
from infra.flyteadmin.serialization import registrable_entities, serialization_settings
from infra.workflow.binding import bind_inputs, to_literals
from support.fixture_project import WORKFLOW_NAMES, compose_config, workflow_of
from support.flyteadmin import FIXTURE_PROJECT, Project

NAME = max(WORKFLOW_NAMES, key=lambda name: len(workflow_of(name).python_interface.inputs))
WORKFLOW = workflow_of(NAME)
VERSION = "rules-1"
Code = grpc.StatusCode
Resources = tasks_pb2.Resources


@pytest.fixture(scope="module")
def entities(settings_of) -> list:
    """What the launcher registers for one job of NAME: tasks, workflow, default and job plan."""
    settings = settings_of(NAME)
    images = {"default": f"{settings.images['default'].repository}:{VERSION}"}
    serialization = serialization_settings(settings, VERSION, images)
    literals = to_literals(WORKFLOW, bind_inputs(WORKFLOW, compose_config(NAME), {}))
    job = job_launch_plan(WORKFLOW, literals)
    return registrable_entities(WORKFLOW, [job], serialization, {})


@pytest.fixture
def client(flyteadmin) -> SynchronousFlyteClient:
    """flytekit's own client, on the stand-in."""
    return SynchronousFlyteClient(PlatformConfig(endpoint=flyteadmin.endpoint, insecure=True))


def kind_of(entities, cls) -> list:
    return [entity for entity in entities if isinstance(entity, cls)]


def launch_plans(entities) -> tuple[LaunchPlanModel, LaunchPlanModel]:
    """The workflow's default launch plan (every input open) and the job's (every input set)."""
    default, job = kind_of(entities, LaunchPlanModel)
    return default, job


def changed(entity, change: Callable):
    """A copy of a flytekit model with ``change`` applied to its protobuf."""
    message = entity.to_flyte_idl()
    change(message)
    return type(entity).from_flyte_idl(message)


def create(client: SynchronousFlyteClient, entity) -> None:
    """Register one entity the way FlyteRemote does."""
    if isinstance(entity, TaskSpec):
        client.create_task(entity.template.id, entity)
    elif isinstance(entity, WorkflowSpec):
        client.create_workflow(entity.template.id, entity)
    else:
        client.create_launch_plan(entity.id, entity.spec)


def register(client, entities) -> None:
    for entity in entities:
        create(client, entity)


def refusal(call: Callable, *args) -> tuple[grpc.StatusCode, str]:
    """The status and message the stand-in answered ``call(*args)`` with."""
    with pytest.raises(FlyteException) as raised:
        call(*args)
    cause = raised.value.__cause__
    assert isinstance(cause, grpc.RpcError), raised.value
    return cause.code(), cause.details()


def execute(client, launch_plan: LaunchPlanModel, inputs=None, name=None):
    """Start an execution of ``launch_plan`` as FlyteRemote does."""
    spec = ExecutionSpec(
        launch_plan.id, ExecutionMetadata(ExecutionMetadata.ExecutionMode.MANUAL, "test", 0)
    )
    literals = LiteralMap({} if inputs is None else inputs)
    return client.create_execution(FIXTURE_PROJECT, "development", name, spec, literals)


def first_task(entities) -> TaskSpec:
    return kind_of(entities, TaskSpec)[0]


# --- projects and domains ------------------------------------------------------------------


def in_project(project: str, domain: str = "development") -> Callable:
    def change(message) -> None:
        message.template.id.project, message.template.id.domain = project, domain

    return change


def test_an_unregistered_project_is_refused(client, entities):
    task = changed(first_task(entities), in_project("elsewhere"))
    assert refusal(create, client, task) == (
        Code.INVALID_ARGUMENT,
        "failed to validate that project [elsewhere] and domain [development] are registered, "
        "err: [project [elsewhere] not found]",
    )


@pytest.mark.parametrize("state", [Project.ARCHIVED, Project.SYSTEM_GENERATED])
def test_a_project_that_is_not_active_is_refused(client, flyteadmin, entities, state):
    flyteadmin.projects[FIXTURE_PROJECT] = state
    code, message = refusal(create, client, first_task(entities))
    assert (code, message) == (Code.INVALID_ARGUMENT, f"project [{FIXTURE_PROJECT}] is not active")


def test_an_unknown_domain_is_refused(client, entities):
    task = changed(first_task(entities), in_project(FIXTURE_PROJECT, "qa"))
    assert refusal(create, client, task) == (
        Code.INVALID_ARGUMENT,
        "domain [qa] is unrecognized by system",
    )


def test_a_registered_project_takes_registrations(client, entities):
    """What ``flytectl create project`` sends (RegisterProject) makes a project usable, once."""
    client.register_project(ProjectModel("team-b", "team-b", "a second team"))
    register(client, [changed(task, in_project("team-b")) for task in kind_of(entities, TaskSpec)])
    again = refusal(client.register_project, ProjectModel("team-b", "team-b", ""))
    assert again[0] == Code.ALREADY_EXISTS
    code, message = refusal(client.register_project, ProjectModel("Team_B", "x", ""))
    assert code == Code.INVALID_ARGUMENT and message.startswith("invalid project id [Team_B]")


# --- tasks ---------------------------------------------------------------------------------


def test_a_task_without_an_image_is_refused(client, entities):
    task = changed(first_task(entities), lambda m: m.template.container.ClearField("image"))
    assert refusal(create, client, task) == (Code.INVALID_ARGUMENT, "missing image")


def with_resources(requests: dict, limits: dict) -> Callable:
    def change(message) -> None:
        resources = message.template.container.resources
        for entries, values in ((resources.requests, requests), (resources.limits, limits)):
            for name, value in values.items():
                entries.add(name=getattr(Resources, name), value=value)

    return change


@pytest.mark.parametrize(
    ("requests", "limits", "message"),
    [
        ({"CPU": "two"}, {}, "Parsing of CPU request failed for value two"),
        ({"MEMORY": "1GB"}, {}, "Parsing of MEMORY request failed for value 1GB"),
        ({}, {"EPHEMERAL_STORAGE": "-"}, "Parsing of EPHEMERAL_STORAGE request failed"),
        ({"CPU": "2"}, {"CPU": "1"}, "Requested CPU default [2] is greater than the limit [1]"),
        ({"MEMORY": "2Gi"}, {"MEMORY": "1Gi"}, "Requested MEMORY default [2Gi] is greater than"),
        ({"GPU": "0.5"}, {}, "must be a whole number, got: 0.5 instead"),
        ({"GPU": "1"}, {"GPU": "2"}, "For extended resource 'gpu' the default value must equal"),
    ],
)
def test_task_resources_flyteadmin_cannot_schedule_are_refused(
    client, entities, requests, limits, message
):
    task = changed(first_task(entities), with_resources(requests, limits))
    code, details = refusal(create, client, task)
    assert code == Code.INVALID_ARGUMENT and message in details


@pytest.mark.parametrize(
    ("requests", "limits"),
    [
        ({"CPU": "500m", "MEMORY": "1Gi", "GPU": "1"}, {"CPU": "1", "MEMORY": "2Gi", "GPU": "1"}),
        ({"CPU": "1.5", "MEMORY": "1e9", "EPHEMERAL_STORAGE": "1E"}, {}),
        # flyteadmin compares requests and limits in whole units rounded up: 0.5 and 0.25 CPU are
        # both 1 to it, so it takes this (and Kubernetes refuses the pod later).
        ({"CPU": "500m"}, {"CPU": "250m"}),
    ],
)
def test_task_resources_flyteadmin_takes_are_taken(client, entities, requests, limits):
    create(client, changed(first_task(entities), with_resources(requests, limits)))


# --- workflows -----------------------------------------------------------------------------


def test_a_workflow_whose_tasks_are_not_registered_is_refused(client, entities):
    (workflow,) = kind_of(entities, WorkflowSpec)
    code, message = refusal(create, client, workflow)
    assert code == Code.INVALID_ARGUMENT
    assert message.startswith("failed to compile workflow for [")
    assert "with err: missing entity of type task with identifier" in message


def referencing(kind: str) -> Callable:
    """A workflow with one more node, which names an unregistered launch plan or a sub-workflow
    the request does not carry."""

    def change(message) -> None:
        node = message.template.nodes.add(id="n-extra")
        reference = getattr(node.workflow_node, kind)
        reference.CopyFrom(message.template.id)
        reference.name = "not.registered"
        reference.resource_type = 3 if kind == "launchplan_ref" else 2  # LAUNCH_PLAN, WORKFLOW

    return change


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("launchplan_ref", "missing entity of type launch_plan with identifier"),
        ("sub_workflow_ref", "sub-workflow not.registered is not in the request"),
    ],
)
def test_a_workflow_naming_what_is_not_there_is_refused(client, entities, kind, message):
    register(client, kind_of(entities, TaskSpec))
    (workflow,) = kind_of(entities, WorkflowSpec)
    code, details = refusal(create, client, changed(workflow, referencing(kind)))
    assert code == Code.INVALID_ARGUMENT
    assert details.startswith("failed to compile workflow for [") and message in details


# --- launch plans --------------------------------------------------------------------------


def test_a_launch_plan_of_a_missing_workflow_is_refused(client, entities):
    register(client, kind_of(entities, TaskSpec))
    code, message = refusal(create, client, launch_plans(entities)[1])
    assert code == Code.NOT_FOUND
    assert message.startswith("missing entity of type workflow with identifier")


@pytest.fixture
def with_workflow(client, entities):
    """The tasks and the workflow registered."""
    register(client, [*kind_of(entities, TaskSpec), *kind_of(entities, WorkflowSpec)])


def default_of(name: str, literal: literals_pb2.Literal) -> Callable:
    def change(message) -> None:
        message.spec.default_inputs.parameters[name].default.CopyFrom(literal)

    return change


INTEGER = literals_pb2.Literal(
    scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=3))
)


def test_a_default_that_is_no_workflow_input_is_refused(client, entities, with_workflow):
    def add_input(message) -> None:
        parameter = message.spec.default_inputs.parameters["nope"]
        parameter.var.type.simple = 1  # INTEGER
        parameter.default.CopyFrom(INTEGER)

    launch_plan = changed(launch_plans(entities)[1], add_input)
    assert refusal(create, client, launch_plan) == (
        Code.INVALID_ARGUMENT,
        "unexpected default_input nope",
    )


def test_a_default_of_the_wrong_type_is_refused(client, entities, with_workflow):
    launch_plan = changed(launch_plans(entities)[1], default_of("cfg", INTEGER))
    code, message = refusal(create, client, launch_plan)
    assert code == Code.INVALID_ARGUMENT
    assert message.startswith("Type mismatch for Parameter cfg in default_inputs")


def test_a_parameter_typed_unlike_its_workflow_input_is_refused(client, entities, with_workflow):
    def retype(message) -> None:
        message.spec.default_inputs.parameters["cfg"].var.type.Clear()
        message.spec.default_inputs.parameters["cfg"].var.type.simple = 1  # INTEGER
        message.spec.default_inputs.parameters["cfg"].default.CopyFrom(INTEGER)

    code, message = refusal(create, client, changed(launch_plans(entities)[1], retype))
    assert code == Code.INVALID_ARGUMENT
    assert message.startswith("invalid default_input wrong type cfg")


def scheduled(kickoff: str = "") -> Callable:
    def change(message) -> None:
        schedule = message.spec.entity_metadata.schedule
        schedule.cron_schedule.schedule = "0 6 * * *"
        schedule.kickoff_time_input_arg = kickoff

    return change


def test_a_schedule_with_an_open_input_is_refused(client, entities, with_workflow):
    code, message = refusal(create, client, changed(launch_plans(entities)[0], scheduled()))
    assert code == Code.INVALID_ARGUMENT
    assert message.startswith(
        "Cannot create a launch plan with a schedule if there is an unbound required input."
    )


@pytest.mark.parametrize(
    ("kickoff", "message"),
    [
        (
            "nope",
            "Cannot create a schedule with a KickoffTimeInputArg that does not point to a "
            "free input. [nope] is not free or does not exist.",
        ),
        ("cfg", "KickoffTimeInputArg must reference a datetime input. [cfg] is a ["),
    ],
)
def test_a_kickoff_argument_must_be_a_free_datetime_input(
    client, entities, with_workflow, kickoff, message
):
    launch_plan = changed(launch_plans(entities)[1], scheduled(kickoff))
    code, details = refusal(create, client, launch_plan)
    assert code == Code.INVALID_ARGUMENT and details.startswith(message)


def test_a_job_launch_plan_with_a_schedule_is_taken(client, entities, with_workflow):
    create(client, changed(launch_plans(entities)[1], scheduled()))


@pytest.mark.parametrize(
    ("recipients", "phases", "message"),
    [([], [4], "missing recipients"), (["team@example.com"], [2], "invalid value for phase")],
)
def test_notifications_need_recipients_and_terminal_phases(
    client, entities, with_workflow, recipients, phases, message
):
    def notify(launch_plan) -> None:
        notification = launch_plan.spec.entity_metadata.notifications.add()
        notification.email.recipients_email.extend(recipients)
        notification.phases.extend(phases)  # 4: SUCCEEDED, 2: RUNNING

    code, details = refusal(create, client, changed(launch_plans(entities)[1], notify))
    assert (code, details) == (Code.INVALID_ARGUMENT, message)


def test_one_version_of_a_launch_plan_is_active(client, flyteadmin, entities, with_workflow):
    job = launch_plans(entities)[1]
    second = changed(job, lambda message: setattr(message.id, "version", "rules-2"))
    register(client, [job, second])
    for launch_plan in (job, second):
        client.update_launch_plan(launch_plan.id, launch_plan_pb2.ACTIVE)
    states = [client.get_launch_plan(lp.id).closure.state for lp in (job, second)]
    assert states == [launch_plan_pb2.INACTIVE, launch_plan_pb2.ACTIVE]


# --- duplicates ----------------------------------------------------------------------------


def described(text: str) -> Callable:
    def change(message) -> None:
        message.description.long_description.value = text

    return change


def test_the_same_entities_again_already_exist_even_with_new_docstrings(client, entities):
    register(client, entities)
    for entity in entities:
        assert refusal(create, client, entity)[0] == Code.ALREADY_EXISTS
    # A docstring is the entity's description, which flyteadmin leaves out of its digest.
    for entity in [*kind_of(entities, TaskSpec), *kind_of(entities, WorkflowSpec)]:
        assert refusal(create, client, changed(entity, described("Edited.")))[0] == (
            Code.ALREADY_EXISTS
        )


OTHER_CONTENT = {
    TaskSpec: lambda message: setattr(message.template.metadata.retries, "retries", 7),
    WorkflowSpec: lambda message: setattr(message.template.metadata, "on_failure", 1),
    LaunchPlanModel: lambda message: setattr(message.spec, "max_parallelism", 7),
}


@pytest.mark.parametrize("entity_kind", OTHER_CONTENT)
def test_other_content_under_a_registered_version_is_a_conflict(client, entities, entity_kind):
    register(client, entities)
    entity = kind_of(entities, entity_kind)[-1]
    code, message = refusal(create, client, changed(entity, OTHER_CONTENT[entity_kind]))
    label = {TaskSpec: "task", WorkflowSpec: "workflow"}.get(entity_kind, "launch plan")
    assert code == Code.INVALID_ARGUMENT
    assert (
        f"{entity.id.name if entity_kind is LaunchPlanModel else entity.template.id.name} "
        f"{label} with different structure already exists" in message
    )


# --- executions ----------------------------------------------------------------------------


@pytest.fixture
def registered(client, entities) -> tuple[LaunchPlanModel, LaunchPlanModel]:
    register(client, entities)
    return launch_plans(entities)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("run_1", "invalid name format: run_1, does not match regex '^[a-z][a-z\\-0-9]*$'"),
        ("1run", "invalid name format: 1run"),
        ("r" * 64, f"size of name exceeded length 63 : {'r' * 64}"),
    ],
)
def test_execution_names_outside_flytes_rule_are_refused(client, registered, name, message):
    code, details = refusal(execute, client, registered[1], None, name)
    assert code == Code.INVALID_ARGUMENT and details.startswith(message)


@pytest.mark.parametrize("name", ["r" * 63, "Run-1", "a-9"])  # flyteadmin lower-cases it first
def test_execution_names_within_flytes_rule_are_taken(client, registered, name):
    assert execute(client, registered[1], None, name).name == name


def test_an_unknown_execution_input_is_refused(client, registered):
    code, message = refusal(
        execute, client, registered[1], {"nope": Literal.from_flyte_idl(INTEGER)}
    )
    assert (code, message) == (Code.INVALID_ARGUMENT, "invalid input nope")


def test_a_missing_execution_input_is_refused(client, registered):
    code, message = refusal(execute, client, registered[0])
    assert code == Code.INVALID_ARGUMENT
    assert message.startswith("expected_inputs ") and message.endswith(" missing")


def test_an_execution_input_of_the_wrong_type_is_refused(client, registered):
    code, message = refusal(
        execute, client, registered[1], {"cfg": Literal.from_flyte_idl(INTEGER)}
    )
    assert code == Code.INVALID_ARGUMENT
    assert message.startswith("invalid cfg input wrong type.")


def test_a_fixed_input_cannot_be_given(client, flyteadmin, entities, with_workflow):
    """A fixed input is not one the launch plan expects, so flyteadmin calls it invalid."""

    def fix_config(message) -> None:
        default = message.spec.default_inputs.parameters.pop("cfg").default
        message.spec.fixed_inputs.literals["cfg"].CopyFrom(default)

    fixed = changed(launch_plans(entities)[1], fix_config)
    create(client, fixed)
    cfg = fixed.spec.fixed_inputs.literals["cfg"]
    assert refusal(execute, client, fixed, {"cfg": cfg}) == (
        Code.INVALID_ARGUMENT,
        "invalid input cfg",
    )
    execution = execute(client, fixed)
    (_, inputs, _) = [v for v in flyteadmin.executions.values()][-1]
    assert execution.name and inputs.literals["cfg"] == cfg.to_flyte_idl()


def test_an_execution_of_a_missing_launch_plan_is_refused(client, entities):
    code, message = refusal(execute, client, launch_plans(entities)[1])
    assert code == Code.NOT_FOUND
    assert message.startswith("missing entity of type launch_plan with identifier")


def test_an_execution_name_is_taken_once(client, registered):
    execute(client, registered[1], None, "once")
    code, message = refusal(execute, client, registered[1], None, "once")
    assert code == Code.ALREADY_EXISTS
