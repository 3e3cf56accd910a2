"""Config fields of the types people write, as Flyte values; the ones Hydra cannot check, refused.

A config reaches a task as a Flyte value that flytekitplugins-omegaconf builds node by node, each
typed by the schema. Importing this module (``workflows/__init__.py`` does) replaces the plugin's
converters for ``DictConfig`` and ``ListConfig`` with ones that keep its format but type each node
so that every schema type Hydra checks also converts:

* ``X | None`` travels as ``Optional[X]`` (the plugin fails on ``X | None`` and names no key);
* an ``Enum`` member travels as its name and a ``Path`` as text (Flyte takes only enums of text,
  and would pickle a path into a file); the schema turns them back when the task reads its config;
* ``from __future__ import annotations`` (annotations as text) works too.

A value that still cannot convert, or would only travel pickled (``bytes``), is an error naming
its key. ``check_schema`` refuses, when the schemas are stored, the field types Hydra cannot
check, naming the field and the type to use.
"""

import dataclasses
import enum
import types
import typing
from pathlib import PurePath
from typing import Any

from flytekit import FlyteContext
from flytekit.core.type_engine import TypeEngine, TypeTransformerFailedError
from flytekit.models.literals import Literal, Scalar
from flytekit.models.types import LiteralType
from flytekit.types.pickle.pickle import FlytePickleTransformer
from flytekitplugins.omegaconf.dictconfig_transformer import (
    DictConfigTransformer,
    check_if_valid_dictconfig,
    create_struct,
)
from flytekitplugins.omegaconf.listconfig_transformer import ListConfigTransformer
from google.protobuf.json_format import MessageToDict
from google.protobuf.struct_pb2 import Struct
from omegaconf import DictConfig, ListConfig, OmegaConf

MISSING = "MISSING"
# Field types Hydra cannot check, with the type to write instead.
INSTEAD = {
    typing.Literal: "an Enum of text values (class Kind(str, Enum): ...)",
    typing.Union: "one type, or `X | None` for an optional value",
}


class SchemaTypedDictConfig(DictConfigTransformer):
    """The plugin's ``DictConfig`` converter, with each node typed as described above."""

    def to_literal(
        self, ctx: FlyteContext, python_val: Any, python_type: type, expected: LiteralType
    ) -> Literal:
        check_if_valid_dictconfig(python_val)
        hints = _field_types(OmegaConf.get_type(python_val))
        type_names, values = {}, {}
        for key in python_val:
            if OmegaConf.is_missing(python_val, key):
                type_names[key] = MISSING
            else:
                hint = hints.get(key, Any)
                type_names[key], values[key] = _node(ctx, key, python_val[key], hint)
        struct = create_struct(type_names, values, OmegaConf.get_type(python_val))
        return Literal(scalar=Scalar(generic=struct))

    def to_python_value(self, ctx: FlyteContext, lv: Literal, expected_python_type: type) -> Any:
        """The plugin's config, merged into its schema so that items of lists and dicts are
        typed again (an enum's name back to the member)."""
        config = super().to_python_value(ctx, lv, expected_python_type)
        schema = OmegaConf.get_type(config)
        return OmegaConf.merge(schema, config) if dataclasses.is_dataclass(schema) else config


class SchemaTypedListConfig(ListConfigTransformer):
    """The plugin's ``ListConfig`` converter, with enum and path items as text."""

    def to_literal(
        self, ctx: FlyteContext, python_val: Any, python_type: type, expected: LiteralType
    ) -> Literal:
        assert isinstance(python_val, ListConfig), f"not a ListConfig: {type(python_val)}"
        type_names, values = [], []
        for index in range(len(python_val)):
            if OmegaConf.is_missing(python_val, index):
                type_names.append(MISSING)
                values.append(_convert(ctx, str(index), MISSING, str))
            else:
                name, value = _node(ctx, str(index), python_val[index], Any)
                type_names.append(name)
                values.append(value)
        struct = Struct()
        struct.update({"types": type_names, "values": values})
        return Literal(scalar=Scalar(generic=struct))


def check_schema(schema: type, where: str = "") -> None:
    """Refuse a field type Hydra cannot check, in ``schema`` or the dataclasses it holds."""
    for name, hint in _field_types(schema).items():
        key = f"{where or schema.__name__}.{name}"
        for part in _parts(hint):
            origin = typing.get_origin(part)
            origin = typing.Union if origin is types.UnionType else origin
            if origin in INSTEAD and not _is_optional(part):
                raise TypeError(
                    f"config field {key}: {part} cannot be checked; use {INSTEAD[origin]}"
                )
            if dataclasses.is_dataclass(part) and isinstance(part, type):
                check_schema(part, key)


def _node(ctx: FlyteContext, key: str, value: Any, hint: Any) -> tuple[str, dict]:
    """The plugin's type name and Flyte value of one node."""
    optional = _is_optional(hint)
    if optional:
        hint = next(arg for arg in typing.get_args(hint) if arg is not types.NoneType)
    flyte_type, name = _flyte_type(hint, value)
    if isinstance(TypeEngine.get_transformer(flyte_type), FlytePickleTransformer):
        raise ConfigValueError(
            f"{key}: a {name} would travel pickled in a file, a new one on every launch (so "
            "never a cache hit); use text, a number, a bool, an Enum, a Path, a list, a dict or "
            "a dataclass"
        )
    if isinstance(value, enum.Enum):
        value = value.name
    elif isinstance(value, PurePath):
        value = str(value)
    if optional:
        flyte_type, name = typing.Optional[flyte_type], f"typing.Union[{name}, NoneType]"  # noqa: UP045
    return name, _convert(ctx, key, value, flyte_type)


def _flyte_type(hint: Any, value: Any) -> tuple[Any, str]:
    """The Flyte type a node of this schema type (or, untyped, of this value) converts as."""
    kind = typing.get_origin(hint) or hint
    if kind is Any:
        kind = type(value)
    if kind in (dict, DictConfig) or dataclasses.is_dataclass(kind):
        return DictConfig, "omegaconf.dictconfig.DictConfig"
    if kind in (list, tuple, ListConfig):
        return ListConfig, "omegaconf.listconfig.ListConfig"
    if isinstance(kind, type) and issubclass(kind, enum.Enum | PurePath):
        return str, "builtins.str"
    return kind, f"{kind.__module__}.{kind.__qualname__}"


def _convert(ctx: FlyteContext, key: str, value: Any, flyte_type: Any) -> dict:
    """One node as the plugin stores it; an error names the node's key."""
    try:
        transformer = TypeEngine.get_transformer(flyte_type)
        literal_type = transformer.get_literal_type(flyte_type)
        literal = transformer.to_literal(ctx, value, flyte_type, literal_type)
    except ConfigValueError as error:
        raise ConfigValueError(f"{key}.{error}") from error.__cause__
    except Exception as error:
        raise ConfigValueError(
            f"{key}: {value!r} cannot be a Flyte {flyte_type}: {error}"
        ) from error
    return MessageToDict(literal.to_flyte_idl())


class ConfigValueError(TypeTransformerFailedError):
    """A config value that cannot become a Flyte value; the message starts with its key."""


def _field_types(schema: Any) -> dict[str, Any]:
    """A dataclass's field types, annotations written as text resolved; none for other types."""
    if not (dataclasses.is_dataclass(schema) and isinstance(schema, type)):
        return {}
    return typing.get_type_hints(schema)


def _is_optional(hint: Any) -> bool:
    """``X | None`` or ``Optional[X]`` of exactly one ``X``."""
    args = typing.get_args(hint)
    is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    return is_union and len(args) == 2 and types.NoneType in args


def _parts(hint: Any) -> list[Any]:
    """``hint`` and every type inside it (``list[Inner] | None`` -> ``Inner`` too)."""
    return [hint, *(part for arg in typing.get_args(hint) for part in _parts(arg))]


TypeEngine.register_additional_type(SchemaTypedDictConfig(), DictConfig, override=True)
TypeEngine.register_additional_type(SchemaTypedListConfig(), ListConfig, override=True)
