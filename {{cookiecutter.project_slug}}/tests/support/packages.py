"""Reading a Flyte package (``.tgz``) back: its protobufs with flyteidl, and its other files."""

import tarfile
from pathlib import Path

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2

KINDS = {"1": task_pb2.TaskSpec, "2": workflow_pb2.WorkflowSpec, "3": launch_plan_pb2.LaunchPlan}


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
