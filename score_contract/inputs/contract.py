"""A script's contract: which request bodies are valid, and what answers must look like.

From inference-schema decorators the contract is read off the decorator objects
themselves (each ``@input_schema`` wrapper keeps its parameter name, parameter
type, ``optional`` and ``convert_to_provided_type``), not from the generated
swagger, which is unfaithful (AZUREML_SERVER_FACTS.md): top-level parameters are
not required there, numpy inner dimensions are unconstrained, and extra pandas
columns or empty batches pass the swagger but are refused at run time.

The result is a JSON Schema per body, so that decorator contracts and schema
files feed one generator (:mod:`score_contract.inputs.strategies`). A body the
decorators' own conversion refuses is still not valid, whatever the schema
says: the runner discards such bodies when run() never saw them.

The decorator part runs in the worker (where the objects live); everything
returned is plain data.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from typing import Any

from ..core.contract import Contract

#: Marks a place whose values the engine cannot generate (a parameter type it cannot
#: read): only known values go there, the decorator's sample and the user's samples.
OPAQUE = "x-score-contract-opaque"

#: Mirrors the bounds strategies.py draws from when a schema gives none.
_INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
}


# -- reading the decorators (in the worker) -------------------------------------


@dataclass(frozen=True)
class _Parameter:
    name: str
    param_type: Any
    optional: bool
    convert: bool


def _decorated_parameters(run: Any) -> list[_Parameter]:
    """Walk the chain of wrapt wrappers input_schema put around run()."""
    found = []
    wrapper = run
    while hasattr(wrapper, "_self_wrapper") and hasattr(wrapper, "__wrapped__"):
        nonlocals = inspect.getclosurevars(wrapper._self_wrapper).nonlocals
        if "param_name" in nonlocals and "param_type" in nonlocals:
            found.append(
                _Parameter(
                    nonlocals["param_name"],
                    nonlocals["param_type"],
                    bool(nonlocals.get("optional", False)),
                    bool(nonlocals.get("convert_to_provided_type", True)),
                )
            )
        wrapper = wrapper.__wrapped__
    return found


def from_decorators(run: Any, parameters: tuple[inspect.Parameter, ...]) -> Contract:
    """The body contract of an ``@input_schema`` run() (and its ``@output_schema``)."""
    decorated = {p.name: p for p in _decorated_parameters(run)}
    properties: dict[str, Any] = {}
    required: list[str] = []
    example: dict[str, Any] = {}
    notes: list[str] = []
    #: A type we cannot read that has no sample: the decorators' sample is no request.
    no_sample = False
    for parameter in parameters:
        entry = decorated.get(parameter.name)
        if entry is None:
            schema: dict[str, Any] = {}
        else:
            schema, sample = parameter_schema(entry.param_type, notes)
            example[parameter.name] = sample
            no_sample |= sample is None and OPAQUE in json.dumps(schema)
            if entry.optional:
                # The decorator skips conversion of a falsy value: null passes.
                schema = {"anyOf": [schema, {"type": "null"}]}
        properties[parameter.name] = schema
        # input_parsers.ObjectInput: a key without a Python default must be sent,
        # whatever optional=True says (measured: 400).
        if parameter.default is inspect.Parameter.empty:
            required.append(parameter.name)
    body = {"type": "object", "properties": properties, "required": required}
    examples = (example,) if len(example) == len(decorated) and _is_json(example) and not no_sample else ()
    return Contract(
        origin="inference-schema decorators",
        body=body,
        output=_output_schema(run),
        examples=examples,
        notes=tuple(notes),
    )


def parameter_schema(param_type: Any, notes: list[str]) -> tuple[dict[str, Any], object]:
    """JSON Schema for one inference-schema parameter type, and its sample as JSON."""
    kind = type(param_type).__name__
    if kind == "NumpyParameterType":
        return _numpy_schema(param_type), param_type.sample_input.tolist()
    if kind == "PandasParameterType":
        return _pandas_schema(param_type, notes)
    if kind == "StandardPythonParameterType":
        return _standard_schema(param_type.sample_input, notes)
    # A type we cannot read (a user's own AbstractParameterType): nothing is generated
    # for it, only its own sample and the user's samples are sent (see resolve_opaque).
    notes.append(
        f"{kind} is a parameter type score-contract cannot read: no values were generated for it,"
        " only its own sample and your samples' values were sent"
    )
    sample = _as_json(getattr(param_type, "sample_input", None))
    return {OPAQUE: True}, sample


def _standard_schema(sample: Any, notes: list[str]) -> tuple[dict[str, Any], object]:
    """A dict sample's keys are required and typed like the sample; lists typed like their items."""
    if type(sample).__name__.endswith("ParameterType"):
        return parameter_schema(sample, notes)
    if isinstance(sample, dict):
        properties, example = {}, {}
        for key, value in sample.items():
            properties[str(key)], example[str(key)] = _standard_schema(value, notes)
        return {"type": "object", "properties": properties, "required": list(properties)}, example
    if isinstance(sample, (list, tuple)):
        items = [_standard_schema(item, notes) for item in sample]
        if not items:
            return {"type": "array"}, []
        schemas = _distinct([schema for schema, _ in items])
        item_schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
        return {"type": "array", "items": item_schema}, [example for _, example in items]
    if isinstance(sample, bool):
        return {"type": "boolean"}, sample
    if isinstance(sample, int):
        return {"type": "integer"}, sample
    if isinstance(sample, float):
        # StandardPythonParameterType lets an int through where a float is expected.
        return {"type": "number"}, sample
    if isinstance(sample, str):
        return {"type": "string"}, sample
    if sample is None:
        return {"type": "null"}, None
    name = type(sample).__name__
    if name == "datetime":
        return {"type": "string", "format": "date-time"}, sample.isoformat()
    if name == "time":
        return {"type": "string", "format": "time"}, sample.isoformat()
    notes.append(f"a {name} sample: its values were not generated")
    return {OPAQUE: True}, _as_json(sample)


def _dtype_schema(dtype: Any) -> dict[str, Any]:
    kind = dtype.kind
    if kind == "b":
        return {"type": "boolean"}
    if kind in "iu":
        schema: dict[str, Any] = {"type": "integer"}
        low_high = _INT_RANGES.get(dtype.name)
        if low_high is not None:
            schema.update(minimum=low_high[0], maximum=low_high[1])
        elif kind == "u":
            schema["minimum"] = 0
        return schema
    if kind == "f":
        return {"type": "number"}
    if kind == "M":
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def _numpy_schema(param_type: Any) -> dict[str, Any]:
    """NumpyParameterType: the sample's number of dims, every dim but the first as in the sample."""
    sample = param_type.sample_input
    dtype = sample.dtype
    if dtype.names:
        leaf: dict[str, Any] = {
            "type": "array",
            "prefixItems": [_dtype_schema(dtype[name]) for name in dtype.names],
            "minItems": len(dtype.names),
            "maxItems": len(dtype.names),
        }
    elif param_type.enforce_column_type:
        leaf = _dtype_schema(dtype)
    else:
        leaf = {"type": ["number", "boolean"]} if dtype.kind in "biuf" else {"type": "string"}
    schema = leaf
    for size in reversed(sample.shape[1:]):
        # Even without enforce_shape, rows must be as long as each other (numpy
        # refuses ragged arrays), which JSON Schema cannot say: keep the sample's.
        schema = {"type": "array", "items": schema, "minItems": size, "maxItems": size}
    outer: dict[str, Any] = {"type": "array", "items": schema}
    if sample.ndim > 1 and param_type.enforce_shape:
        # An empty batch parses as a 1-d array: refused for a sample of 2 or more dims.
        outer["minItems"] = 1
    return outer


def _pandas_schema(param_type: Any, notes: list[str]) -> tuple[dict[str, Any], object]:
    """PandasParameterType: the sample's columns and their dtypes, for its orient."""
    frame = param_type.sample_input
    sample = json.loads(frame.to_json(orient=param_type.orient, date_format="iso"))
    columns = {str(c): _dtype_schema(frame.dtypes[c]) if param_type.enforce_column_type else {} for c in frame.columns}
    if param_type.orient == "records":
        row: dict[str, Any] = {"type": "object", "properties": columns, "required": list(columns)}
        rows: dict[str, Any] = {"type": "array", "items": row}
        if param_type.enforce_shape:
            row["additionalProperties"] = False
            # No row, no column: pd.read_json("[]") has shape (0, 0), which enforce_shape refuses (measured:
            # 500 before run()). Without enforce_shape, 0 rows reach run(), and a model may fail on them.
            rows["minItems"] = 1
        return rows, sample
    if param_type.orient == "split":
        data_row: dict[str, Any] = {"type": "array", "prefixItems": list(columns.values())}
        if param_type.enforce_shape:
            data_row.update(minItems=len(columns), maxItems=len(columns))
        schema = {
            "type": "object",
            "properties": {
                "columns": {"const": list(columns)},
                # The columns are named: 0 rows give a (0, n) frame, which reaches run() (measured).
                "data": {"type": "array", "items": data_row},
            },
            "required": ["columns", "data"],
            "additionalProperties": False,
        }
        return schema, {key: value for key, value in sample.items() if key != "index"}
    notes.append(f"PandasParameterType with orient={param_type.orient!r}: only its sample is sent")
    return {}, sample


def _output_schema(run: Any) -> dict[str, Any] | None:
    """@output_schema keeps no parameter object, only the swagger it generated."""
    import sys

    schema_util = sys.modules.get("inference_schema.schema_util")
    if schema_util is None:
        return None
    swagger = schema_util.get_output_schema(run)
    if swagger == {"type": "object"}:  # what it answers when there is no output schema
        return None
    stripped: dict[str, Any] = _strip_examples(swagger)
    return stripped


def _strip_examples(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip_examples(v) for k, v in schema.items() if k not in ("example", "format")}
    if isinstance(schema, list):
        return [_strip_examples(v) for v in schema]
    return schema


def _as_json(value: Any) -> object:
    """``value`` as JSON (a numpy array as its list), or None when it is not JSON."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    return value if _is_json(value) else None


def resolve_opaque(schema: dict[str, Any], known: list[object]) -> tuple[dict[str, Any] | None, list[str]]:
    """Replace each OPAQUE place of ``schema`` with the values ``known`` bodies hold
    there (the decorators' sample, the user's samples). When one has no known value,
    no body can be generated: None, and a note that says so."""
    missing: list[str] = []

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            if node.get(OPAQUE):
                values = _distinct_values(v for body in known for v in _values_at(body, path) if v is not None)
                if not values:
                    missing.append("$" + "".join(f".{p}" if p != "[]" else "[]" for p in path))
                return {"enum": values}
            resolved = {}
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    resolved[key] = {name: walk(sub, (*path, name)) for name, sub in value.items()}
                elif key == "items":
                    resolved[key] = walk(value, (*path, "[]"))
                else:
                    resolved[key] = walk(value, path)
            return resolved
        if isinstance(node, list):
            return [walk(item, path) for item in node]
        return node

    resolved = walk(schema, ())
    if missing:
        shown = ", ".join(missing)
        return None, [f"no value is known for {shown} (no sample holds one): only your samples were sent"]
    return resolved, []


def _values_at(value: object, path: tuple[str, ...]) -> list[object]:
    if not path:
        return [value]
    head, rest = path[0], path[1:]
    if head == "[]":
        return [v for item in value for v in _values_at(item, rest)] if isinstance(value, list) else []
    if isinstance(value, dict) and head in value:
        return _values_at(value[head], rest)
    return []


def _distinct_values(values: Any) -> list[object]:
    kept: dict[str, object] = {}
    for value in values:
        kept.setdefault(json.dumps(value, sort_keys=True), value)
    return list(kept.values())


def _distinct(schemas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for schema in schemas:
        if schema not in seen:
            seen.append(schema)
    return seen


def _is_json(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
