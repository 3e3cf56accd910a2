"""Flyte's side of a task pod, for tests/test_image.py: run it with a baked project's Python.

A pod gets its task's container command from the registered task template, its inputs as a
LiteralMap protobuf file (``inputs.pb``: from the launch plan, or from upstream tasks' outputs as
the workflow binds them), and leaves ``outputs.pb`` under its output prefix. This script reads
and writes those files with flytekit and flyteidl, which the template's own test venv lacks:

  python pod_io.py task PACKAGE TASK          the task's container (image, args, id) as JSON
  python pod_io.py job-inputs PACKAGE OUT     the first sweep job's launch plan inputs, as a file
  python pod_io.py inputs OUT NAME=FILE:KEY   a LiteralMap of literals taken from other maps
  python pod_io.py show FILE KEY=TYPE ...     values of a LiteralMap file as JSON, each read
                                              as TYPE: ``module:name`` or ``list[float]``...
"""

import dataclasses
import importlib
import json
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

from flyteidl.admin import launch_plan_pb2, task_pb2
from flyteidl.core import literals_pb2


def package_members(package: str) -> dict[str, bytes]:
    members = {}
    with tarfile.open(package) as tar:
        for member in tar:
            file = tar.extractfile(member) if member.isfile() else None
            if file is not None:
                members[member.name] = file.read()
    return members


def task(package: str, name: str) -> dict:
    """The container of the task whose name ends with ``.name``."""
    for member, data in package_members(package).items():
        if member.endswith("_1.pb"):
            template = task_pb2.TaskSpec.FromString(data).template
            if template.id.name.endswith(f".{name}"):
                identifier = template.id
                return {
                    "image": template.container.image,
                    "args": list(template.container.args),
                    "env": {pair.key: pair.value for pair in template.container.env},
                    "id": {
                        "project": identifier.project,
                        "domain": identifier.domain,
                        "name": identifier.name,
                        "version": identifier.version,
                    },
                }
    raise SystemExit(f"no task named *.{name} in {package}")


def job_inputs(package: str, out: str) -> None:
    """The inputs an execution of the first job's launch plan starts with: its defaults and
    fixed inputs, as flyteadmin hands them to the workflow."""
    members = package_members(package)
    manifest = json.loads(Path(package).with_suffix(".json").read_text())
    wanted = manifest["launch_plans"][0]["name"]
    for member, data in members.items():
        if member.endswith("_3.pb"):
            plan = launch_plan_pb2.LaunchPlan.FromString(data)
            if plan.id.name == wanted:
                literals = literals_pb2.LiteralMap()
                for key, parameter in plan.spec.default_inputs.parameters.items():
                    if parameter.HasField("default"):
                        literals.literals[key].CopyFrom(parameter.default)
                for key, literal in plan.spec.fixed_inputs.literals.items():
                    literals.literals[key].CopyFrom(literal)
                Path(out).write_bytes(literals.SerializeToString())
                return
    raise SystemExit(f"no launch plan {wanted} in {package}")


def read_map(path: str) -> literals_pb2.LiteralMap:
    return literals_pb2.LiteralMap.FromString(Path(path).read_bytes())


def inputs(out: str, *bindings: str) -> None:
    """``NAME=FILE:KEY``: input NAME is literal KEY of the LiteralMap in FILE."""
    literals = literals_pb2.LiteralMap()
    for binding in bindings:
        name, _, source = binding.partition("=")
        path, _, key = source.rpartition(":")
        literals.literals[name].CopyFrom(read_map(path).literals[key])
    Path(out).write_bytes(literals.SerializeToString())


BUILTIN_TYPES = {"list[float]": list[float], "list[int]": list[int], "str": str, "float": float}


def python_type(spec: str) -> object:
    """``module:name`` (a dataclass, say), or one of BUILTIN_TYPES."""
    if ":" in spec:
        module, _, name = spec.partition(":")
        return getattr(importlib.import_module(module), name)
    return BUILTIN_TYPES[spec]


def show(path: str, *types: str) -> None:
    from flytekit.core.context_manager import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine
    from flytekit.models.literals import Literal
    from omegaconf import DictConfig, OmegaConf

    context = FlyteContextManager.current_context()
    literals = read_map(path).literals
    values = {}
    for pair in types:
        key, _, spec = pair.partition("=")
        value = TypeEngine.to_python_value(
            context, Literal.from_flyte_idl(literals[key]), python_type(spec)
        )
        if isinstance(value, DictConfig):
            value = OmegaConf.to_container(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = dataclasses.asdict(value)
        values[key] = value
    print(json.dumps(values))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    commands: dict[str, Callable[..., object]] = {
        "task": task,
        "job-inputs": job_inputs,
        "inputs": inputs,
        "show": show,
    }
    result = commands[command](*arguments)
    if result is not None:
        print(json.dumps(result))
