"""Flyte literals, as protobufs in packages and requests, back as Python values."""

from typing import Any

from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal
from omegaconf import DictConfig, OmegaConf


def decoded(literal, python_type: type = DictConfig) -> Any:
    """A literal protobuf (``flyteidl.core.literals_pb2.Literal``) as a plain Python value."""
    value = TypeEngine.to_python_value(
        FlyteContextManager.current_context(), Literal.from_flyte_idl(literal), python_type
    )
    return OmegaConf.to_container(value) if isinstance(value, DictConfig) else value


def plain(config: DictConfig) -> dict:
    """A config as plain containers, interpolations resolved."""
    return OmegaConf.to_container(config, resolve=True)
