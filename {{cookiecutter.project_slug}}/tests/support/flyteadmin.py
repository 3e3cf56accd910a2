"""A stand-in for flyteadmin on 127.0.0.1 that records what FlyteRemote sends and refuses what
flyteadmin refuses.

Built on flyteidl's gRPC servicers, it serves what registering and executing need: projects,
create and get tasks, workflows (returned as a compiled closure with their task templates) and
launch plans, launch plan activation, executions and their data, and upload locations for fast
registration (uploads go to an HTTP PUT sink beside it). Every create request first passes
flyteadmin's own admin-layer rules (support/admin_rules.py): a registered, active project; a task
with an image and sound resources; a workflow whose tasks are registered; a launch plan whose
workflow exists, whose defaults are workflow inputs of castable types and whose schedule leaves
no input open; an execution with a valid name and exactly the inputs its launch plan takes.
Duplicates are told apart, as flyteadmin does, by a digest of the compiled entity: the same one
again is ALREADY_EXISTS (a changed docstring too: it is not compiled), other content under the
same id is INVALID_ARGUMENT "... with different structure already exists". Activating a launch
plan version deactivates the name's other versions. ``refusals`` lists (method, status, message).
With ``run_workflows``, an execution runs the workflow in this process, so its outputs are real;
otherwise it stays QUEUED. With ``progress`` as well, each execution is seen QUEUED, then RUNNING,
then in its final phase, one GetExecution after another, as a watcher polling a cluster sees it.

Faults, for tests of the launcher's deadlines: ``delay_seconds`` answers every call that late;
``freeze_after=N`` answers N calls, then takes every later one and never answers (until the
stand-in stops); ``die_after=N`` answers N calls, then stops the server on the next one.

Alone, for trying the launcher by hand or benchmarks:
``PYTHONPATH=tests python -m support.flyteadmin [--run]``.
"""

import argparse
import functools
import importlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

import grpc
from flyteidl.admin import execution_pb2, launch_plan_pb2, project_pb2, task_pb2, workflow_pb2
from flyteidl.core import compiler_pb2, identifier_pb2, literals_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.service import admin_pb2_grpc, dataproxy_pb2, dataproxy_pb2_grpc
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from omegaconf import OmegaConf

from support import admin_rules as rules
from support.admin_rules import Refusal, ResourceType

Phase = core_execution_pb2.WorkflowExecution
Project = project_pb2.Project
# The projects the launcher's settings register into, which the stand-in has unless told otherwise:
# the launcher tests' fixture project's (FIXTURE_PROJECT), and the project's own if it has one.
TESTS = Path(__file__).resolve().parents[1]
LAUNCHER_SETTINGS = Path("conf", "hydra", "launcher", "flyte.yaml")
FIXTURE_PROJECT = OmegaConf.load(TESTS / "infra" / "fixture_project" / LAUNCHER_SETTINGS).project
KNOWN_PROJECTS = [
    OmegaConf.load(path).project for path in [TESTS.parent / LAUNCHER_SETTINGS] if path.is_file()
] + [FIXTURE_PROJECT]


class Faults(NamedTuple):
    """How the stand-in misbehaves (see the module's docstring); by default, not at all."""

    delay_seconds: float = 0.0
    freeze_after: int | None = None
    die_after: int | None = None


def key(identifier) -> bytes:
    """A dictionary key for a protobuf identifier."""
    return identifier.SerializeToString(deterministic=True)


def refusing(method):
    """Record the request; answer a broken rule with its status and message."""

    @functools.wraps(method)
    def handle(self, request, context):
        self._record(method.__name__, request)
        try:
            return method(self, request, context)
        except Refusal as refusal:
            self.refusals.append((method.__name__, refusal.code, str(refusal)))
            context.abort(refusal.code, str(refusal))

    return handle


class FlyteAdmin(admin_pb2_grpc.AdminServiceServicer, dataproxy_pb2_grpc.DataProxyServiceServicer):
    """The admin and data proxy services, in memory; ``requests`` lists (method, request),
    ``refusals`` (method, status code, message).

    ``projects`` maps project ids to their state (``Project.ACTIVE``, ``Project.ARCHIVED``...);
    a test may change it.
    """

    def __init__(
        self,
        upload_url: str,
        run_workflows: bool = False,
        progress: bool = False,
        faults: "Faults | None" = None,
    ):
        self.upload_url = upload_url
        self.run_workflows = run_workflows
        self.progress = progress
        self.faults = faults or Faults()
        self.stop_server: Callable[[], None] = lambda: None  # set by ``serving``
        self.stopped = threading.Event()
        # execution id -> the phases its next GetExecution calls report, in order
        self.phases_to_come: dict[bytes, list[int]] = {}
        self.projects: dict[str, int] = dict.fromkeys(KNOWN_PROJECTS, Project.ACTIVE)
        self.requests: list[tuple[str, object]] = []
        self.refusals: list[tuple[str, grpc.StatusCode, str]] = []
        self.uploads: dict[str, bytes] = {}
        self.entities: dict[str, dict[bytes, object]] = {"task": {}, "workflow": {}, "lp": {}}
        self.active: set[bytes] = set()
        # execution id -> (execution, its inputs, its outputs)
        self.executions: dict[bytes, tuple] = {}
        self._names = (f"stand-in-{n}" for n in itertools.count())
        self._lock = threading.Lock()

    def calls(self, method: str) -> list:
        """The requests received by ``method``, in order."""
        return [request for name, request in self.requests if name == method]

    def _record(self, method: str, request) -> None:
        with self._lock:
            self.requests.append((method, request))
            answered = len(self.requests) - 1
        faults = self.faults
        if faults.freeze_after is not None and answered >= faults.freeze_after:
            self.stopped.wait()
        if faults.die_after is not None and answered >= faults.die_after:
            self.stop_server()
        time.sleep(faults.delay_seconds)

    def _create(self, kind: str, request, compiled) -> None:
        """Store ``request.spec`` under ``request.id`` unless one is there: then the digests of
        the compiled entities decide between ALREADY_EXISTS and a conflict."""
        store = self.entities[kind]
        with self._lock:
            existing = store.get(key(request.id))
            if existing is None:
                store[key(request.id)] = request.spec
                return
        label = {"lp": "launch plan"}.get(kind, kind)
        if rules.digest(compiled(existing)) == rules.digest(compiled(request.spec)):
            raise Refusal(
                grpc.StatusCode.ALREADY_EXISTS, f"{label} with identical structure already exists"
            )
        raise rules.invalid(
            f"{request.id.name} {label} with different structure already exists. "
            f"(Please register a new version of the {label})"
        )

    def _get(self, kind: str, identifier):
        spec = self.entities[kind].get(key(identifier))
        if spec is None:
            raise rules.not_found({"lp": "launch_plan"}.get(kind, kind), identifier)
        return spec

    @refusing
    def RegisterProject(self, request, context):
        rules.check_project_registration(request.project)
        with self._lock:
            if request.project.id in self.projects:
                raise Refusal(grpc.StatusCode.ALREADY_EXISTS, "value with matching already exists")
            self.projects[request.project.id] = Project.ACTIVE
        return project_pb2.ProjectRegisterResponse()

    @refusing
    def ListProjects(self, request, context):
        if request.filters:
            raise Refusal(grpc.StatusCode.UNIMPLEMENTED, "the stand-in does not filter projects")
        # Without filters, flyteadmin lists every project that is not archived.
        listed = sorted(
            (project, state)
            for project, state in self.projects.items()
            if state != Project.ARCHIVED
        )
        offset = int(request.token or 0)
        page = listed[offset : offset + request.limit] if request.limit else listed[offset:]
        more = request.limit and offset + len(page) < len(listed)
        domains = [project_pb2.Domain(id=domain, name=domain) for domain in rules.DOMAINS]
        return project_pb2.Projects(
            projects=[Project(id=p, name=p, state=s, domains=domains) for p, s in page],
            token=str(offset + len(page)) if more else "",
        )

    @refusing
    def CreateTask(self, request, context):
        rules.check_identifier(request.id, ResourceType.TASK)
        rules.check_project(self.projects, request.id.project, request.id.domain)
        if not request.spec.HasField("template"):
            raise rules.missing("spec")
        rules.check_task(request.spec.template)
        self._create("task", request, self._compiled_task(request.id))
        return task_pb2.TaskCreateResponse()

    @staticmethod
    def _compiled_task(identifier):
        """What flyteadmin digests of a task: its template, under the request's id."""

        def compiled(spec):
            template = type(spec.template)()
            template.CopyFrom(spec.template)
            template.id.CopyFrom(identifier)
            return compiler_pb2.CompiledTask(template=template)

        return compiled

    @refusing
    def GetTask(self, request, context):
        spec = self._get("task", request.id)
        compiled = compiler_pb2.CompiledTask(template=spec.template)
        return task_pb2.Task(id=request.id, closure=task_pb2.TaskClosure(compiled_task=compiled))

    @refusing
    def CreateWorkflow(self, request, context):
        rules.check_identifier(request.id, ResourceType.WORKFLOW)
        rules.check_project(self.projects, request.id.project, request.id.domain)
        if not request.spec.HasField("template"):
            raise rules.missing("spec")
        self._compiled_workflow(request.spec)
        self._create("workflow", request, self._compiled_workflow)
        return workflow_pb2.WorkflowCreateResponse()

    def _compiled_workflow(self, spec) -> compiler_pb2.CompiledWorkflowClosure:
        """The workflow's closure, once every task and launch plan it names is registered."""
        tasks = rules.check_workflow_references(
            spec,
            lambda task_id: self._get("task", task_id).template,
            lambda launch_plan_id: self._get("lp", launch_plan_id),
        )
        return rules.compiled_workflow(spec, tasks)

    @refusing
    def GetWorkflow(self, request, context):
        closure = self._compiled_workflow(self._get("workflow", request.id))
        return workflow_pb2.Workflow(
            id=request.id, closure=workflow_pb2.WorkflowClosure(compiled_workflow=closure)
        )

    @refusing
    def CreateLaunchPlan(self, request, context):
        rules.check_identifier(request.spec.workflow_id, ResourceType.WORKFLOW)
        workflow = self._get("workflow", request.spec.workflow_id)
        rules.check_identifier(request.id, ResourceType.LAUNCH_PLAN)
        rules.check_project(self.projects, request.id.project, request.id.domain)
        spec = launch_plan_pb2.LaunchPlanSpec()
        spec.CopyFrom(request.spec)
        interface = workflow.template.interface
        spec.default_inputs.CopyFrom(rules.expected_inputs(spec, interface.inputs))
        rules.check_schedule(spec.entity_metadata.schedule, spec.default_inputs)
        rules.check_launch_plan_spec(spec)
        stored = launch_plan_pb2.LaunchPlanCreateRequest(id=request.id, spec=spec)

        def compiled(launch_plan_spec):
            closure = launch_plan_pb2.LaunchPlanClosure(
                expected_inputs=launch_plan_spec.default_inputs,
                expected_outputs=interface.outputs,
            )
            return launch_plan_pb2.LaunchPlan(id=request.id, spec=launch_plan_spec, closure=closure)

        self._create("lp", stored, compiled)
        return launch_plan_pb2.LaunchPlanCreateResponse()

    @refusing
    def GetLaunchPlan(self, request, context):
        spec = self._get("lp", request.id)
        workflow = self._get("workflow", spec.workflow_id)
        state = (
            launch_plan_pb2.ACTIVE if key(request.id) in self.active else launch_plan_pb2.INACTIVE
        )
        closure = launch_plan_pb2.LaunchPlanClosure(
            state=state,
            expected_inputs=spec.default_inputs,
            expected_outputs=workflow.template.interface.outputs,
        )
        return launch_plan_pb2.LaunchPlan(id=request.id, spec=spec, closure=closure)

    @refusing
    def UpdateLaunchPlan(self, request, context):
        rules.check_identifier(request.id, ResourceType.LAUNCH_PLAN)
        self._get("lp", request.id)
        if request.state not in (launch_plan_pb2.ACTIVE, launch_plan_pb2.INACTIVE):
            raise rules.invalid(f"Unrecognized launch plan state {request.state} for update")
        with self._lock:
            if request.state == launch_plan_pb2.ACTIVE:
                # enableLaunchPlan: one active version per project, domain and name.
                name = (request.id.project, request.id.domain, request.id.name)
                self.active -= {k for k in self.active if self._name_of(k) == name}
                self.active.add(key(request.id))
            else:
                self.active.discard(key(request.id))
        return launch_plan_pb2.LaunchPlanUpdateResponse()

    @staticmethod
    def _name_of(stored: bytes) -> tuple[str, str, str]:
        identifier = identifier_pb2.Identifier.FromString(stored)
        return identifier.project, identifier.domain, identifier.name

    @refusing
    def CreateExecution(self, request, context):
        rules.check_execution_request(request)
        rules.check_project(self.projects, request.project, request.domain)
        launch_plan = self._get("lp", request.spec.launch_plan)
        inputs = rules.execution_inputs(
            request.inputs, launch_plan.fixed_inputs, launch_plan.default_inputs
        )
        identifier = identifier_pb2.WorkflowExecutionIdentifier(
            project=request.project, domain=request.domain, name=request.name or next(self._names)
        )
        closure = execution_pb2.ExecutionClosure(
            phase=Phase.QUEUED, workflow_id=launch_plan.workflow_id
        )
        with self._lock:
            if key(identifier) in self.executions:
                raise Refusal(
                    grpc.StatusCode.ALREADY_EXISTS,
                    f"value with matching already exists (execution {identifier.name})",
                )
            self.executions[key(identifier)] = self._execution_record(
                identifier, request.spec, closure, inputs, literals_pb2.LiteralMap()
            )
        if self.run_workflows:
            outputs = run_workflow(launch_plan.workflow_id.name, inputs, closure)
            with self._lock:
                self.executions[key(identifier)] = self._execution_record(
                    identifier, request.spec, closure, inputs, outputs
                )
                if self.progress:
                    self.phases_to_come[key(identifier)] = [Phase.RUNNING, closure.phase]
                    self.executions[key(identifier)][0].closure.phase = Phase.QUEUED
        return execution_pb2.ExecutionCreateResponse(id=identifier)

    @staticmethod
    def _execution_record(identifier, spec, closure, inputs, outputs) -> tuple:
        execution = execution_pb2.Execution(id=identifier, spec=spec, closure=closure)
        return execution, inputs, outputs

    @refusing
    def GetExecution(self, request, context):
        execution = self._execution(request.id)[0]
        seen = execution_pb2.Execution()
        seen.CopyFrom(execution)
        with self._lock:
            to_come = self.phases_to_come.get(key(request.id))
            if to_come:
                execution.closure.phase = to_come.pop(0)
        return seen

    @refusing
    def GetExecutionData(self, request, context):
        _, inputs, outputs = self._execution(request.id)
        return execution_pb2.WorkflowExecutionGetDataResponse(
            full_inputs=inputs, full_outputs=outputs
        )

    def _execution(self, identifier):
        found = self.executions.get(key(identifier))
        if found is None:
            raise rules.not_found("execution", identifier)
        return found

    @refusing
    def CreateUploadLocation(self, request, context):
        path = f"{request.project}/{request.domain}/{request.filename}"
        return dataproxy_pb2.CreateUploadLocationResponse(
            signed_url=f"{self.upload_url}/{path}", native_url=f"s3://stand-in/{path}"
        )


def run_workflow(
    name: str, inputs: literals_pb2.LiteralMap, closure: execution_pb2.ExecutionClosure
) -> literals_pb2.LiteralMap:
    """Run the workflow ``name`` here on ``inputs``; sets the closure's phase (and error)."""
    module, _, attribute = name.rpartition(".")
    workflow = getattr(importlib.import_module(module), attribute)
    interface = workflow.python_interface
    ctx = FlyteContextManager.current_context()
    try:
        kwargs = TypeEngine.literal_map_to_kwargs(
            ctx, LiteralMap.from_flyte_idl(inputs), interface.inputs
        )
        result = workflow(**kwargs)
    except Exception as error:  # the execution fails, the stand-in does not
        closure.phase = Phase.FAILED
        closure.error.message = str(error)
        return literals_pb2.LiteralMap()
    values = result if len(interface.outputs) > 1 else (result,)
    outputs = literals_pb2.LiteralMap()
    for (output, python_type), value in zip(interface.outputs.items(), values, strict=True):
        literal_type = TypeEngine.to_literal_type(python_type)
        literal = TypeEngine.to_literal(ctx, value, python_type, literal_type)
        outputs.literals[output].CopyFrom(literal.to_flyte_idl())
    closure.phase = Phase.SUCCEEDED
    return outputs


class UploadSink(BaseHTTPRequestHandler):
    """Takes HTTP PUTs of fast-registration archives into ``server.admin.uploads``."""

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.admin.uploads[self.path.lstrip("/")] = body
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        """Quiet."""


@contextmanager
def serving(
    run_workflows: bool = False, port: int = 0, progress: bool = False, faults: Faults | None = None
) -> Iterator[FlyteAdmin]:
    """A running stand-in on 127.0.0.1; ``admin.endpoint`` is its ``host:port``."""
    sink = ThreadingHTTPServer(("127.0.0.1", 0), UploadSink)
    admin = FlyteAdmin(f"http://127.0.0.1:{sink.server_port}", run_workflows, progress, faults)
    sink.admin = admin
    # a short poll: stopping waits for it
    threading.Thread(target=sink.serve_forever, args=(0.05,), daemon=True).start()
    server = grpc.server(ThreadPoolExecutor(max_workers=4))
    admin_pb2_grpc.add_AdminServiceServicer_to_server(admin, server)
    dataproxy_pb2_grpc.add_DataProxyServiceServicer_to_server(admin, server)
    admin.endpoint = f"127.0.0.1:{server.add_insecure_port(f'127.0.0.1:{port}')}"
    admin.stop_server = lambda: server.stop(grace=None)
    server.start()
    try:
        yield admin
    finally:
        admin.stopped.set()  # frozen calls return, so the server can stop
        server.stop(grace=None)
        sink.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--run", action="store_true", help="run executions here")
    arguments = parser.parse_args()
    with serving(arguments.run, arguments.port) as running:
        print(f"flyteadmin stand-in at {running.endpoint}; Ctrl-C stops it", flush=True)
        threading.Event().wait()
