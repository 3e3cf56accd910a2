"""Which Flyte literal type a value has, and which types cast to which: the stand-in flyteadmin's
reading of flytepropeller's ``compiler/validators`` (typing.go, utils.go), which flyteadmin uses to
check launch plan defaults and execution inputs.

Where the real checker compares JSON schemas (dataclass structs) or dataset columns, this one
accepts: it may let through what flyteadmin refuses there, never the other way round.
"""

from flyteidl.core import literals_pb2, types_pb2

LiteralType = types_pb2.LiteralType
SimpleType = types_pb2.SimpleType
MESSAGEPACK = "msgpack"
_PRIMITIVES = {
    "integer": SimpleType.INTEGER,
    "float_value": SimpleType.FLOAT,
    "string_value": SimpleType.STRING,
    "boolean": SimpleType.BOOLEAN,
    "datetime": SimpleType.DATETIME,
    "duration": SimpleType.DURATION,
}


def simple(kind: int) -> LiteralType:
    return LiteralType(simple=kind)


def literal_type(literal: literals_pb2.Literal) -> LiteralType | None:
    """The type of a literal; None when it holds nothing known. Mirrors LiteralTypeForLiteral."""
    value = literal.WhichOneof("value")
    if value == "scalar":
        return _scalar_type(literal.scalar)
    if value == "collection":
        return LiteralType(collection_type=_common_type(list(literal.collection.literals)))
    if value == "map":
        return LiteralType(map_value_type=_common_type(list(literal.map.literals.values())))
    if value == "offloaded_metadata":
        return literal.offloaded_metadata.inferred_type
    return None


def _scalar_type(scalar: literals_pb2.Scalar) -> LiteralType | None:
    """Mirrors literalTypeForScalar and literalTypeForPrimitive."""
    value = scalar.WhichOneof("value")
    if value == "primitive":
        return simple(_PRIMITIVES.get(scalar.primitive.WhichOneof("value"), SimpleType.NONE))
    if value == "blob":
        has_metadata = scalar.blob.HasField("metadata")
        return LiteralType(blob=scalar.blob.metadata.type) if has_metadata else None
    if value == "binary":
        return simple(SimpleType.STRUCT if scalar.binary.tag == MESSAGEPACK else SimpleType.BINARY)
    if value == "schema":
        return LiteralType(schema=scalar.schema.type)
    if value == "structured_dataset":
        metadata = scalar.structured_dataset.metadata
        return LiteralType(structured_dataset_type=metadata.structured_dataset_type)
    if value == "union":
        return LiteralType(union_type=types_pb2.UnionType(variants=[scalar.union.type]))
    kinds = {"none_type": SimpleType.NONE, "error": SimpleType.ERROR, "generic": SimpleType.STRUCT}
    return simple(kinds[value]) if value in kinds else None


def _common_type(literals: list) -> LiteralType:
    """The element type of a collection or map: one type, NONE when empty, else a union of the
    distinct types (an empty nested collection counts alone). Mirrors literalTypeForLiterals."""
    distinct: dict[bytes, LiteralType] = {}
    empty_collection = None
    for literal in literals:
        found = literal_type(literal) or LiteralType()
        if literal.WhichOneof("value") == "collection" and not literal.collection.literals:
            empty_collection = found
            continue
        distinct.setdefault(found.SerializeToString(deterministic=True), found)
    if not distinct and empty_collection is not None:
        return empty_collection
    if not distinct:
        return simple(SimpleType.NONE)
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    variants = sorted(distinct.values(), key=str)
    return LiteralType(union_type=types_pb2.UnionType(variants=variants))


def castable(upstream: LiteralType, downstream: LiteralType) -> bool:
    """Can a value of ``upstream`` type be used where ``downstream`` is expected? Mirrors
    AreTypesCastable: a one-variant union also casts as its variant."""
    variants = upstream.union_type.variants if upstream.HasField("union_type") else []
    if len(variants) == 1 and casts_from(downstream, variants[0]):
        return True
    return casts_from(downstream, upstream)


def casts_from(downstream: LiteralType, upstream: LiteralType) -> bool:
    """Mirrors getTypeChecker(downstream).CastsFrom(upstream)."""
    kind = downstream.WhichOneof("type")
    if kind == "collection_type":  # collectionTypeChecker
        if _is_none(upstream.collection_type):
            return True
        return upstream.HasField("collection_type") and casts_from(
            downstream.collection_type, upstream.collection_type
        )
    if kind == "map_value_type":  # mapTypeChecker
        if _is_none(upstream.map_value_type):
            return True
        return upstream.HasField("map_value_type") and casts_from(
            downstream.map_value_type, upstream.map_value_type
        )
    if kind == "blob":  # blobTypeChecker
        if not upstream.HasField("blob"):
            return False
        formats = (upstream.blob.format, downstream.blob.format)
        return "" in formats or formats[0] == formats[1]
    if kind in ("schema", "structured_dataset_type"):  # columns are not compared here
        return upstream.WhichOneof("type") in ("schema", "structured_dataset_type")
    if kind == "union_type":  # unionTypeChecker
        return _casts_into_union(downstream.union_type.variants, upstream)
    if _is_none(downstream):  # noneTypeChecker
        return _is_none(upstream)
    return _trivially_castable(downstream, upstream)


def _casts_into_union(variants, upstream: LiteralType) -> bool:
    """Every variant of an upstream union fits one downstream variant; a plain type must select
    exactly one variant."""
    if upstream.HasField("union_type"):
        return all(
            any(castable(variant, target) for target in variants)
            for variant in upstream.union_type.variants
        )
    return sum(castable(upstream, target) for target in variants) == 1


def _trivially_castable(downstream: LiteralType, upstream: LiteralType) -> bool:
    """Mirrors trivialChecker: enums and strings cast both ways, tags must agree, structs cast
    (their JSON schemas are not compared here), else the types must match but for metadata."""
    if upstream.HasField("enum_type") and _is(downstream, SimpleType.STRING):
        return True
    if downstream.HasField("enum_type") and _is(upstream, SimpleType.STRING):
        return True
    if upstream.structure.tag and upstream.structure.tag != downstream.structure.tag:
        return False
    if _is(upstream, SimpleType.STRUCT) and _is(downstream, SimpleType.STRUCT):
        return True
    return _bare(upstream) == _bare(downstream)


def _bare(literal_type: LiteralType) -> LiteralType:
    """The type without the parts the trivial checker ignores."""
    bare = LiteralType()
    bare.CopyFrom(literal_type)
    for part in ("structure", "metadata", "annotation"):
        bare.ClearField(part)
    return bare


def _is(literal_type: LiteralType, kind: int) -> bool:
    """Is it the simple type ``kind``?"""
    return literal_type.WhichOneof("type") == "simple" and literal_type.simple == kind


def _is_none(literal_type: LiteralType) -> bool:
    return _is(literal_type, SimpleType.NONE)
