"""Flyte literals, as protobufs in packages and requests, back as plain Python values."""

from typing import Any

from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal
from omegaconf import DictConfig

from infra.workflow.binding import plain


def decoded(literal, python_type: type = DictConfig) -> Any:
    """A literal protobuf (``flyteidl.core.literals_pb2.Literal``) as a plain Python value."""
    context = FlyteContextManager.current_context()
    return plain(TypeEngine.to_python_value(context, Literal.from_flyte_idl(literal), python_type))
