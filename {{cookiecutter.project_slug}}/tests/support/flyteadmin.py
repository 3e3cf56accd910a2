"""A stand-in for flyteadmin on 127.0.0.1 that records what FlyteRemote sends.

Built on flyteidl's gRPC servicers, it serves what registering and executing need: create and get
tasks, workflows (returned as a compiled closure with their task templates) and launch plans,
launch plan activation, executions and their data, and upload locations for fast registration
(uploads go to an HTTP PUT sink beside it). Like flyteadmin, it answers ALREADY_EXISTS to an
identical re-registration and INVALID_ARGUMENT "... different structure ..." to the same id with
other content. With ``run_workflows``, an execution runs the workflow in this process, so its
outputs are real; otherwise it stays QUEUED. With ``progress`` as well, each execution is seen
QUEUED, then RUNNING, then in its final phase, one GetExecution after another, as a watcher
polling a cluster sees it.

Faults, for tests of the launcher's deadlines: ``delay_seconds`` answers every call that late;
``freeze_after=N`` answers N calls, then takes every later one and never answers (until the
stand-in stops); ``die_after=N`` answers N calls, then stops the server on the next one.

Alone, for trying the launcher by hand or benchmarks:
``PYTHONPATH=tests python -m support.flyteadmin [--run]``.
"""

import argparse
import importlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

import grpc
from flyteidl.admin import execution_pb2, launch_plan_pb2, task_pb2, workflow_pb2
from flyteidl.core import compiler_pb2, identifier_pb2, literals_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.service import admin_pb2_grpc, dataproxy_pb2, dataproxy_pb2_grpc
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap

Phase = core_execution_pb2.WorkflowExecution


class Faults(NamedTuple):
    """How the stand-in misbehaves (see the module's docstring); by default, not at all."""

    delay_seconds: float = 0.0
    freeze_after: int | None = None
    die_after: int | None = None


def key(identifier) -> bytes:
    """A dictionary key for a protobuf identifier."""
    return identifier.SerializeToString(deterministic=True)


class FlyteAdmin(admin_pb2_grpc.AdminServiceServicer, dataproxy_pb2_grpc.DataProxyServiceServicer):
    """The admin and data proxy services, in memory; ``requests`` lists (method, request)."""

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
        self.requests: list[tuple[str, object]] = []
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

    def _create(self, kind: str, request, context) -> None:
        """Store ``request.spec`` under ``request.id`` the way flyteadmin decides on duplicates."""
        store = self.entities[kind]
        spec = request.spec.SerializeToString(deterministic=True)
        with self._lock:
            existing = store.get(key(request.id))
            if existing is None:
                store[key(request.id)] = request.spec
                return
        if existing.SerializeToString(deterministic=True) == spec:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, f"{kind} with identical structure exists")
        context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"{kind} with different structure already exists: {request.id.name}",
        )

    def _get(self, kind: str, identifier, context):
        spec = self.entities[kind].get(key(identifier))
        if spec is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"missing {kind} {identifier.name}")
        return spec

    def CreateTask(self, request, context):
        self._record("CreateTask", request)
        self._create("task", request, context)
        return task_pb2.TaskCreateResponse()

    def GetTask(self, request, context):
        self._record("GetTask", request)
        spec = self._get("task", request.id, context)
        compiled = compiler_pb2.CompiledTask(template=spec.template)
        return task_pb2.Task(id=request.id, closure=task_pb2.TaskClosure(compiled_task=compiled))

    def CreateWorkflow(self, request, context):
        self._record("CreateWorkflow", request)
        self._create("workflow", request, context)
        return workflow_pb2.WorkflowCreateResponse()

    def GetWorkflow(self, request, context):
        self._record("GetWorkflow", request)
        spec = self._get("workflow", request.id, context)
        templates = [spec.template, *spec.sub_workflows]
        task_ids = {
            key(node.task_node.reference_id): node.task_node.reference_id
            for template in templates
            for node in template.nodes
            if node.HasField("task_node")
        }
        closure = compiler_pb2.CompiledWorkflowClosure(
            primary=compiler_pb2.CompiledWorkflow(template=spec.template),
            sub_workflows=[compiler_pb2.CompiledWorkflow(template=t) for t in spec.sub_workflows],
            tasks=[
                compiler_pb2.CompiledTask(template=self._get("task", task_id, context).template)
                for task_id in task_ids.values()
            ],
        )
        return workflow_pb2.Workflow(
            id=request.id, closure=workflow_pb2.WorkflowClosure(compiled_workflow=closure)
        )

    def CreateLaunchPlan(self, request, context):
        self._record("CreateLaunchPlan", request)
        self._create("lp", request, context)
        return launch_plan_pb2.LaunchPlanCreateResponse()

    def GetLaunchPlan(self, request, context):
        self._record("GetLaunchPlan", request)
        spec = self._get("lp", request.id, context)
        workflow = self._get("workflow", spec.workflow_id, context)
        state = (
            launch_plan_pb2.ACTIVE if key(request.id) in self.active else launch_plan_pb2.INACTIVE
        )
        closure = launch_plan_pb2.LaunchPlanClosure(
            state=state,
            expected_inputs=spec.default_inputs,
            expected_outputs=workflow.template.interface.outputs,
        )
        return launch_plan_pb2.LaunchPlan(id=request.id, spec=spec, closure=closure)

    def UpdateLaunchPlan(self, request, context):
        self._record("UpdateLaunchPlan", request)
        self._get("lp", request.id, context)
        if request.state == launch_plan_pb2.ACTIVE:
            self.active.add(key(request.id))
        else:
            self.active.discard(key(request.id))
        return launch_plan_pb2.LaunchPlanUpdateResponse()

    def CreateExecution(self, request, context):
        self._record("CreateExecution", request)
        launch_plan = self._get("lp", request.spec.launch_plan, context)
        inputs = literals_pb2.LiteralMap()
        for name, parameter in launch_plan.default_inputs.parameters.items():
            if parameter.HasField("default"):
                inputs.literals[name].CopyFrom(parameter.default)
        inputs.MergeFrom(launch_plan.fixed_inputs)
        inputs.MergeFrom(request.inputs)
        identifier = identifier_pb2.WorkflowExecutionIdentifier(
            project=request.project, domain=request.domain, name=request.name or next(self._names)
        )
        closure = execution_pb2.ExecutionClosure(
            phase=Phase.QUEUED, workflow_id=launch_plan.workflow_id
        )
        outputs = literals_pb2.LiteralMap()
        if self.run_workflows:
            outputs = run_workflow(launch_plan.workflow_id.name, inputs, closure)
        execution = execution_pb2.Execution(id=identifier, spec=request.spec, closure=closure)
        with self._lock:
            self.executions[key(identifier)] = (execution, inputs, outputs)
            if self.progress:
                self.phases_to_come[key(identifier)] = [Phase.RUNNING, closure.phase]
                execution.closure.phase = Phase.QUEUED
        return execution_pb2.ExecutionCreateResponse(id=identifier)

    def GetExecution(self, request, context):
        self._record("GetExecution", request)
        execution = self._execution(request.id, context)[0]
        seen = execution_pb2.Execution()
        seen.CopyFrom(execution)
        with self._lock:
            to_come = self.phases_to_come.get(key(request.id))
            if to_come:
                execution.closure.phase = to_come.pop(0)
        return seen

    def GetExecutionData(self, request, context):
        self._record("GetExecutionData", request)
        _, inputs, outputs = self._execution(request.id, context)
        return execution_pb2.WorkflowExecutionGetDataResponse(
            full_inputs=inputs, full_outputs=outputs
        )

    def _execution(self, identifier, context):
        found = self.executions.get(key(identifier))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"missing execution {identifier.name}")
        return found

    def CreateUploadLocation(self, request, context):
        self._record("CreateUploadLocation", request)
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
    threading.Thread(target=sink.serve_forever, daemon=True).start()
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
