"""Contracts read off the inference-schema decorators: every body generated from
them gets through the decorators' own conversion, and the server's rules for
required keys hold."""

from __future__ import annotations

import copy
import inspect
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import _deserialize_input_argument, input_schema, output_schema

from score_contract.inputs.contract import from_decorators, parameter_schema
from score_contract.inputs.strategies import boundary_values, valid_values, validator

PARAMETER_TYPES: dict[str, Any] = {
    "numpy 2-d float": NumpyParameterType(np.array([[1.0, 2.0, 3.0]])),
    "numpy 2-d int32": NumpyParameterType(np.array([[1, 2]], dtype=np.int32)),
    "numpy 1-d": NumpyParameterType(np.array([0.5, 1.5])),
    "numpy 3-d": NumpyParameterType(np.zeros((1, 2, 3))),
    "numpy bool": NumpyParameterType(np.array([[True, False]])),
    "numpy str": NumpyParameterType(np.array([["a", "b"]])),
    "numpy shape not enforced": NumpyParameterType(np.array([[1.0, 2.0]]), enforce_shape=False),
    "pandas records": PandasParameterType(
        pd.DataFrame({"name": ["a"], "count": [3], "price": [1.5], "active": [True]}), orient="records"
    ),
    "pandas split": PandasParameterType(pd.DataFrame({"x": [1.0], "y": [2]}), orient="split"),
    "pandas records shape not enforced": PandasParameterType(
        pd.DataFrame({"age": pd.Series([0], dtype="int64"), "balance": pd.Series([0.0], dtype="float64")}),
        enforce_shape=False,
    ),
    # AutoML's generated score.py wraps its frame: StandardPythonParameterType({'data': PandasParameterType(...)}).
    "automl inputs": StandardPythonParameterType(
        {"data": PandasParameterType(pd.DataFrame({"age": pd.Series([0], dtype="int64")}))}
    ),
    "automl forecasting inputs": StandardPythonParameterType(
        {"data": PandasParameterType(pd.DataFrame({"day": pd.Series([0.5], dtype="float64")}), enforce_shape=False)}
    ),
    "standard dict": StandardPythonParameterType({"age": 31, "income": 52000.0, "city": "Lyon", "vip": False}),
    "standard list of floats": StandardPythonParameterType([0.5, 1.5]),
    "standard nested": StandardPythonParameterType(
        {"features": NumpyParameterType(np.array([[1.0, 2.0]])), "meta": StandardPythonParameterType({"id": "x"})}
    ),
    "standard list of dicts": StandardPythonParameterType([{"text": "hello", "lang": "en"}]),
}
FAST = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", sorted(PARAMETER_TYPES))
def test_the_decorators_own_sample_satisfies_the_derived_schema(name: str) -> None:
    schema, sample = parameter_schema(PARAMETER_TYPES[name], [])
    assert validator(schema).is_valid(sample)


@pytest.mark.parametrize("name", sorted(PARAMETER_TYPES))
def test_every_generated_value_passes_the_decorators_conversion(name: str) -> None:
    param_type = PARAMETER_TYPES[name]
    schema, _ = parameter_schema(param_type, [])

    @FAST
    @given(valid_values(schema))
    def converts(value: object) -> None:
        assert validator(schema).is_valid(value)
        _deserialize_input_argument(copy.deepcopy(value), param_type, "data")

    converts()


@pytest.mark.parametrize("name", sorted(PARAMETER_TYPES))
def test_every_boundary_value_passes_the_decorators_conversion(name: str) -> None:
    param_type = PARAMETER_TYPES[name]
    schema, _ = parameter_schema(param_type, [])
    for value in boundary_values(schema):
        _deserialize_input_argument(copy.deepcopy(value), param_type, "data")


def test_numpy_fixes_the_number_of_dims_and_every_dim_but_the_first() -> None:
    schema, _ = parameter_schema(PARAMETER_TYPES["numpy 2-d float"], [])
    check = validator(schema)
    assert check.is_valid([[1, 2, 3]]) and check.is_valid([[1, 2, 3]] * 5)
    assert not check.is_valid([[1, 2]])  # inner dim
    assert not check.is_valid([1, 2, 3])  # number of dims
    assert not check.is_valid([])  # an empty batch parses as 1-d: refused


def test_pandas_records_fix_the_columns_and_their_types() -> None:
    schema, _ = parameter_schema(PARAMETER_TYPES["pandas records"], [])
    check = validator(schema)
    row = {"name": "b", "count": 1, "price": 2.0, "active": False}
    assert check.is_valid([row])
    assert not check.is_valid([{**row, "extra": 1}])
    assert not check.is_valid([{k: v for k, v in row.items() if k != "price"}])
    assert not check.is_valid([{**row, "count": "many"}])
    assert not check.is_valid([])


def _converts(value: object, param_type: Any) -> bool:
    try:
        _deserialize_input_argument(copy.deepcopy(value), param_type, "data")
    except Exception:
        return False
    return True


@pytest.mark.parametrize(
    ("name", "empty"),
    [
        ("pandas records", []),
        ("pandas records shape not enforced", []),
        ("pandas split", {"columns": ["x", "y"], "data": []}),
        ("automl inputs", {"data": []}),
        ("automl forecasting inputs", {"data": []}),
    ],
)
def test_an_empty_frame_is_valid_exactly_when_the_decorators_let_it_reach_run(name: str, empty: object) -> None:
    param_type = PARAMETER_TYPES[name]
    schema, _ = parameter_schema(param_type, [])
    assert validator(schema).is_valid(empty) == _converts(empty, param_type)


def test_the_boundaries_of_a_nested_frame_send_it_with_no_row_when_that_reaches_run() -> None:
    schema, _ = parameter_schema(PARAMETER_TYPES["automl forecasting inputs"], [])
    assert {"data": []} in boundary_values(schema)


def test_a_dict_samples_keys_are_required_and_typed_like_the_sample() -> None:
    schema, _ = parameter_schema(PARAMETER_TYPES["standard dict"], [])
    check = validator(schema)
    assert check.is_valid({"age": 40, "income": 1, "city": "Oslo", "vip": True})  # an int where a float is
    assert not check.is_valid({"age": 40, "income": 1.0, "city": "Oslo"})
    assert not check.is_valid({"age": "40", "income": 1.0, "city": "Oslo", "vip": True})


def test_body_keys_follow_the_servers_rules_not_optional_true() -> None:
    @input_schema("data", NumpyParameterType(np.array([[1.0, 2.0]])))
    @input_schema("threshold", StandardPythonParameterType(0.5), optional=True)
    @input_schema("mode", StandardPythonParameterType("fast"))
    @output_schema(StandardPythonParameterType({"scores": [0.5]}))
    def run(data: Any, threshold: Any, mode: str = "fast") -> Any:
        return {"scores": []}

    parameters = tuple(inspect.signature(run).parameters.values())
    contract = from_decorators(run, parameters)
    assert contract.body is not None
    # optional=True does not make a key optional: the server answers 400 without it.
    assert contract.body["required"] == ["data", "threshold"]
    check = validator(contract.body)
    assert check.is_valid({"data": [[1, 2]], "threshold": None})  # a falsy value skips conversion
    assert check.is_valid({"data": [[1, 2]], "threshold": 0.7, "mode": "slow"})
    assert not check.is_valid({"data": [[1, 2]]})
    assert contract.examples == ({"data": [[1.0, 2.0]], "threshold": 0.5, "mode": "fast"},)
    assert contract.output is not None and validator(contract.output).is_valid({"scores": [0.1]})


@given(st.sampled_from(sorted(PARAMETER_TYPES)))
@FAST
def test_deriving_a_contract_never_touches_the_sample(name: str) -> None:
    param_type = PARAMETER_TYPES[name]
    before = repr(param_type.sample_input)
    parameter_schema(param_type, [])
    assert repr(param_type.sample_input) == before
