"""What flyteadmin refuses, as the stand-in applies it: our reading of flyteadmin v1.16's
``pkg/manager/impl/validation/*.go`` and the managers beside them (task, workflow, launch plan,
execution and project managers). Each rule names the Go function it mirrors; a broken rule raises
``Refusal`` with the gRPC status and a message close to flyteadmin's.
"""

import hashlib
import math
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

import grpc
from flyteidl.admin import launch_plan_pb2, project_pb2
from flyteidl.core import (
    compiler_pb2,
    execution_pb2,
    identifier_pb2,
    interface_pb2,
    literals_pb2,
    tasks_pb2,
    types_pb2,
)

from support.flyte_types import castable, literal_type

ResourceType = identifier_pb2.ResourceType
Resources = tasks_pb2.Resources
# flyteadmin's default domains (its config's `domains`).
DOMAINS = ("development", "staging", "production")
EXECUTION_NAME = re.compile(r"[a-z][a-z\-0-9]*")
EXECUTION_NAME_LENGTH = 63  # allowedExecutionNameLength: a Kubernetes label's length
TERMINAL_PHASES = {
    execution_pb2.WorkflowExecution.SUCCEEDED,
    execution_pb2.WorkflowExecution.FAILED,
    execution_pb2.WorkflowExecution.TIMED_OUT,
    execution_pb2.WorkflowExecution.ABORTED,
}
CRON_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
QUANTITY = re.compile(
    r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?"
)
SUFFIXES = {
    **{s: Decimal(1024) ** (n + 1) for n, s in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))},
    **{
        s: Decimal(10) ** e
        for s, e in zip("numkMGTPE", (-9, -6, -3, 3, 6, 9, 12, 15, 18), strict=True)
    },
}


class Refusal(Exception):
    """flyteadmin's answer to a request it refuses: a gRPC status code and a message."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def invalid(message: str) -> Refusal:
    return Refusal(grpc.StatusCode.INVALID_ARGUMENT, message)


def missing(field: str) -> Refusal:
    # shared.GetMissingArgumentError
    return invalid(f"missing {field}")


def not_found(kind: str, identifier) -> Refusal:
    # repositories/errors.GetMissingEntityError
    return Refusal(
        grpc.StatusCode.NOT_FOUND,
        f"missing entity of type {kind} with identifier {_short(identifier)}",
    )


def _short(message) -> str:
    return str(message).replace("\n", " ").strip()


def digest(message) -> bytes:
    """A digest of a compiled entity (GetTaskDigest/GetWorkflowDigest/GetLaunchPlanDigest hash
    the message's JSON form; a deterministic serialization tells the same things apart)."""
    return hashlib.sha256(message.SerializeToString(deterministic=True)).digest()


# --- identifiers, projects and domains -----------------------------------------------------


def check_identifier(identifier, resource_type: int) -> None:
    """ValidateIdentifier: the expected resource type and every field set."""
    if identifier.resource_type != resource_type:
        got, expected = (
            ResourceType.Name(t).lower() for t in (identifier.resource_type, resource_type)
        )
        raise invalid(
            f"unexpected resource type {got} for identifier [{_short(identifier)}], expected "
            f"{expected} instead"
        )
    check_fields_set(identifier)


def check_fields_set(identifier) -> None:
    """ValidateIdentifierFieldsSet."""
    for field in ("project", "domain", "name", "version"):
        if not getattr(identifier, field):
            raise missing(field)


def check_project(projects: Mapping[str, int], project: str, domain: str) -> None:
    """ValidateProjectAndDomain: the project is registered and ACTIVE, the domain is known."""
    if project not in projects:
        raise invalid(
            f"failed to validate that project [{project}] and domain [{domain}] are registered, "
            f"err: [project [{project}] not found]"
        )
    if projects[project] != project_pb2.Project.ACTIVE:
        raise invalid(f"project [{project}] is not active")  # NewInactiveProjectError
    if domain not in DOMAINS:
        raise invalid(f"domain [{domain}] is unrecognized by system")


def check_project_registration(project: project_pb2.Project) -> None:
    """ValidateProjectRegisterRequest and ValidateProject."""
    if not project.name:
        raise missing("project_name")
    if not project.id:
        raise missing("project_id")
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", project.id) or len(project.id) > 63:
        raise invalid(f"invalid project id [{project.id}]: not a DNS-1123 label")
    if len(project.name) > 64:
        raise invalid("project_name cannot exceed 64 characters")
    if len(project.description) > 300:
        raise invalid("project_description cannot exceed 300 characters")
    if project.domains:
        raise invalid(
            "Domains are currently only set system wide. Please retry without domains included in "
            "your request."
        )


# --- tasks ---------------------------------------------------------------------------------


def check_task(template: tasks_pb2.TaskTemplate) -> None:
    """validateTaskTemplate and validateContainer."""
    if not template.type:
        raise missing("type")
    if not template.HasField("metadata"):
        raise missing("metadata")
    if template.metadata.HasField("runtime") and not template.metadata.runtime.version:
        raise missing("runtime version")
    if not template.HasField("interface"):
        raise missing("typed interface")
    if template.HasField("container"):
        if not template.container.image:
            raise missing("image")
        check_resources(template.id, template.container.resources)


def check_resources(task_id, resources: tasks_pb2.Resources) -> None:
    """validateTaskResources and validateResource: requests and limits parse as Kubernetes
    quantities; CPU, memory and storage requests are at most their limits (compared, as
    flyteadmin does, in whole units rounded up); a GPU count is whole, its request its limit."""
    requests = _quantities(task_id, resources.requests)
    limits = _quantities(task_id, resources.limits)
    for name, (request, request_text) in requests.items():
        if name not in limits:
            continue
        limit, limit_text = limits[name]
        if name == Resources.GPU and math.ceil(request) != math.ceil(limit):
            raise invalid(
                "For extended resource 'gpu' the default value must equal the limit value for "
                f"task [{_short(task_id)}]"
            )
        if name != Resources.GPU and math.ceil(limit) < math.ceil(request):
            raise invalid(
                f"Requested {Resources.ResourceName.Name(name)} default [{request_text}] is "
                f"greater than the limit [{limit_text}]. Please fix your configuration"
            )


def _quantities(task_id, entries) -> dict[int, tuple[Decimal, str]]:
    """requestedResourcesToQuantity and addResourceEntryToMap: each resource once, parsed; by
    resource, its quantity and how it was written."""
    found: dict[int, tuple[Decimal, str]] = {}
    for entry in entries:
        if entry.name not in (
            Resources.CPU,
            Resources.MEMORY,
            Resources.GPU,
            Resources.EPHEMERAL_STORAGE,
        ):
            continue
        label = Resources.ResourceName.Name(entry.name)
        if entry.name in found:
            raise invalid(
                f"can't specify {label} limit for task [{_short(task_id)}] multiple times"
            )
        value = quantity(entry.value)
        if value is None:
            raise invalid(
                f"Parsing of {label} request failed for value {entry.value} - reason  quantities "
                "must match "
                "the regular expression. Please follow K8s conventions for resources "
                "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"
            )
        if entry.name == Resources.GPU and math.ceil(value * 1000) % 1000:  # isWholeNumber
            raise invalid(
                f"gpu for [{_short(task_id)}] must be a whole number, got: {entry.value} instead"
            )
        found[entry.name] = (value, entry.value)
    return found


def quantity(text: str) -> Decimal | None:
    """A Kubernetes quantity (``500m``, ``2Gi``, ``1e3``) as a number; None if it is not one
    (resource.ParseQuantity)."""
    match = QUANTITY.fullmatch(text)
    if match is None:
        return None
    number, suffix = match.groups()
    value = Decimal(number)
    if suffix and suffix[0] in "eE" and len(suffix) > 1:  # an exponent; "E" alone is exa
        return value * Decimal(10) ** int(suffix[1:])
    return value * SUFFIXES.get(suffix or "", Decimal(1))


# --- workflows -----------------------------------------------------------------------------


def check_workflow_references(spec, task_of: Callable, launch_plan_of: Callable) -> list:
    """getCompiledWorkflow: every task and launch plan the workflow's nodes name is registered
    and every sub-workflow it names is in the request; the compiled tasks."""
    sub_workflows = {_key(template.id) for template in spec.sub_workflows}
    tasks = {}
    try:
        for node in _nodes([spec.template, *spec.sub_workflows]):
            if node.HasField("task_node"):
                reference = node.task_node.reference_id
                tasks[_key(reference)] = task_of(reference)
            elif node.workflow_node.HasField("launchplan_ref"):
                launch_plan_of(node.workflow_node.launchplan_ref)
            elif node.workflow_node.HasField("sub_workflow_ref"):
                sub_workflow = node.workflow_node.sub_workflow_ref
                if _key(sub_workflow) not in sub_workflows:
                    raise invalid(f"sub-workflow {sub_workflow.name} is not in the request")
    except Refusal as refusal:
        raise invalid(
            f"failed to compile workflow for [{_short(spec.template.id)}] with err: {refusal}"
        ) from refusal
    return list(tasks.values())


def _nodes(templates) -> Iterator:
    """Every node of the templates, with those inside branches and array nodes."""
    pending = [node for template in templates for node in template.nodes]
    while pending:
        node = pending.pop(0)
        yield node
        if node.HasField("branch_node"):
            branch = node.branch_node.if_else
            pending += [branch.case.then_node, *[case.then_node for case in branch.other]]
            pending += [branch.else_node] if branch.HasField("else_node") else []
        if node.HasField("array_node"):
            pending.append(node.array_node.node)


def compiled_workflow(spec, tasks) -> compiler_pb2.CompiledWorkflowClosure:
    """The closure flyteadmin stores and digests: templates and compiled tasks, no description."""
    return compiler_pb2.CompiledWorkflowClosure(
        primary=compiler_pb2.CompiledWorkflow(template=spec.template),
        sub_workflows=[compiler_pb2.CompiledWorkflow(template=t) for t in spec.sub_workflows],
        tasks=[compiler_pb2.CompiledTask(template=task) for task in tasks],
    )


def _key(identifier) -> bytes:
    return identifier.SerializeToString(deterministic=True)


# --- launch plans --------------------------------------------------------------------------


def expected_inputs(
    spec: launch_plan_pb2.LaunchPlanSpec, workflow_inputs: interface_pb2.VariableMap
) -> interface_pb2.ParameterMap:
    """validateLiteralMap, validateParameterMap and checkAndFetchExpectedInputForLaunchPlan: the
    launch plan's parameters, each a workflow input of a castable type, plus the workflow inputs
    it leaves open (required)."""
    for name, literal in spec.fixed_inputs.literals.items():
        if literal.WhichOneof("value") is None:
            raise invalid(f"missing valid literal in fixed_inputs {name}")
    for name, parameter in spec.default_inputs.parameters.items():
        if not parameter.var.HasField("type"):
            raise invalid(
                f"The Variable component of the Parameter {name} in default_inputs either is "
                "missing, or has a missing Type"
            )
        if not parameter.HasField("default") and not parameter.required:
            raise invalid(
                f"Invalid variable {name} in default_inputs - variable has neither default, nor "
                "is required. One must be specified"
            )
        if parameter.HasField("default"):
            found = literal_type(parameter.default)
            if found is None or not castable(found, parameter.var.type):
                raise invalid(
                    f"Type mismatch for Parameter {name} in default_inputs has type "
                    f"{_short(parameter.var.type)}, expected {_short(found)}"
                )
    variables = workflow_inputs.variables
    if not variables and (spec.default_inputs.parameters or spec.fixed_inputs.literals):
        kind, count = (
            ("default", len(spec.default_inputs.parameters))
            if spec.default_inputs.parameters
            else ("fixed", len(spec.fixed_inputs.literals))
        )
        raise invalid(f"invalid launch plan {kind} inputs, expected none but found {count}")
    for name, parameter in spec.default_inputs.parameters.items():
        if name not in variables:
            raise invalid(f"unexpected default_input {name}")
        if not castable(parameter.var.type, variables[name].type):
            raise invalid(
                f"invalid default_input wrong type {name}, expected "
                f"{_short(variables[name].type)}, got {_short(parameter.var.type)} instead"
            )
    for name, literal in spec.fixed_inputs.literals.items():
        if name not in variables:
            raise invalid(f"unexpected fixed_input {name}")
        found = literal_type(literal)
        if found is None or not castable(found, variables[name].type):
            raise invalid(
                f"invalid fixed_input wrong type {name}, expected {_short(variables[name].type)}, "
                f"got {_short(found)} instead"
            )
    expected = interface_pb2.ParameterMap()
    for name, variable in variables.items():
        if name in spec.default_inputs.parameters:
            expected.parameters[name].CopyFrom(spec.default_inputs.parameters[name])
        elif name not in spec.fixed_inputs.literals:
            open_input = interface_pb2.Variable(
                type=variable.type, description=variable.description
            )
            expected.parameters[name].CopyFrom(
                interface_pb2.Parameter(var=open_input, required=True)
            )
    return expected


def check_schedule(schedule, expected: interface_pb2.ParameterMap) -> None:
    """validateSchedule: a scheduled launch plan leaves no input open but its kickoff time input,
    which must be a free datetime input; the cron expression is five fields or a descriptor."""
    if not (
        schedule.cron_expression or schedule.HasField("rate") or schedule.HasField("cron_schedule")
    ):
        return
    kickoff = schedule.kickoff_time_input_arg
    for name, parameter in expected.parameters.items():
        if parameter.required and name != kickoff:
            raise invalid(
                "Cannot create a launch plan with a schedule if there is an unbound required "
                f"input. [{name}] is required"
            )
    if kickoff:
        if kickoff not in expected.parameters:
            raise invalid(
                "Cannot create a schedule with a KickoffTimeInputArg that does not point to a "
                f"free input. [{kickoff}] is not free or does not exist."
            )
        kickoff_type = expected.parameters[kickoff].var.type
        if kickoff_type.simple != types_pb2.SimpleType.DATETIME:
            raise invalid(
                f"KickoffTimeInputArg must reference a datetime input. [{kickoff}] is a "
                f"[{_short(kickoff_type)}]"
            )
    cron = schedule.cron_expression or schedule.cron_schedule.schedule
    if cron and not (
        cron in CRON_DESCRIPTORS or cron.startswith("@every ") or len(cron.split()) == 5
    ):
        raise invalid(
            f"Invalid cron expression: expected exactly 5 fields, found {len(cron.split())}: "
            f"[{cron}]"
        )


def check_notifications(notifications) -> None:
    """validateNotifications: each has recipients and fires only on terminal phases."""
    for notification in notifications:
        channel = notification.WhichOneof("type")
        if channel is None:
            raise invalid("invalid value for notification type")
        recipients = getattr(notification, channel).recipients_email
        if not recipients:
            raise missing("recipients")
        if not all(recipients):
            raise missing("recipient")
        if any(phase not in TERMINAL_PHASES for phase in notification.phases):
            raise invalid("invalid value for phase")


def check_launch_plan_spec(spec: launch_plan_pb2.LaunchPlanSpec) -> None:
    """ValidateLaunchPlan's checks of the spec's metadata."""
    check_notifications(spec.entity_metadata.notifications)
    if spec.entity_metadata.HasField("launch_conditions"):
        raise invalid("Launch condition must be empty")


# --- executions ----------------------------------------------------------------------------


def check_execution_request(request) -> None:
    """ValidateExecutionRequest and CheckValidExecutionID: project and domain set; a given name
    matches ``^[a-z][a-z\\-0-9]*$`` once lower-cased and has at most 63 characters; the launch
    plan named in full; inputs hold values; notifications are valid."""
    if not request.project:
        raise missing("project")
    if not request.domain:
        raise missing("domain")
    name = request.name.lower()
    if name and len(name) > EXECUTION_NAME_LENGTH:
        raise invalid(f"size of name exceeded length {EXECUTION_NAME_LENGTH} : {name}")
    if name and not EXECUTION_NAME.fullmatch(name):
        raise invalid(f"invalid name format: {name}, does not match regex '^[a-z][a-z\\-0-9]*$'")
    if not request.HasField("spec"):
        raise missing("spec")
    check_fields_set(request.spec.launch_plan)
    if request.spec.launch_plan.resource_type not in (ResourceType.LAUNCH_PLAN, ResourceType.TASK):
        raise invalid(
            f"Invalid reference entity resource type [{request.spec.launch_plan.resource_type}], "
            "only [LAUNCH_PLAN TASK] allowed"
        )
    for name, literal in request.inputs.literals.items():
        if literal.WhichOneof("value") is None:
            raise invalid(f"missing valid literal in inputs {name}")
    check_notifications(request.spec.notifications.notifications)


def execution_inputs(
    inputs: literals_pb2.LiteralMap,
    fixed: literals_pb2.LiteralMap,
    expected: interface_pb2.ParameterMap,
) -> literals_pb2.LiteralMap:
    """CheckAndFetchInputsForExecution: only the launch plan's expected inputs may be given (a
    fixed input is not one of them), each of a castable type; required ones must be; defaults fill
    the rest, then the fixed inputs."""
    for name in inputs.literals:
        if name not in expected.parameters:
            raise invalid(f"invalid input {name}")
    merged = literals_pb2.LiteralMap()
    for name, parameter in expected.parameters.items():
        if name not in inputs.literals:
            if parameter.required:
                raise invalid(f"expected_inputs {name} missing")
            merged.literals[name].CopyFrom(parameter.default)
            continue
        found = literal_type(inputs.literals[name])
        if found is None or not castable(found, parameter.var.type):
            raise invalid(
                f"invalid {name} input wrong type. Expected {_short(parameter.var.type)}, but got "
                f"{_short(found)}"
            )
        merged.literals[name].CopyFrom(inputs.literals[name])
    for name, literal in fixed.literals.items():
        if name in merged.literals:
            raise invalid(f"fixed_inputs {name} cannot be overridden")
        merged.literals[name].CopyFrom(literal)
    return merged
