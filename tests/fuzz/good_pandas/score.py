"""Correct: a store with no visits has no sales per visit."""
import pandas as pd
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema

SAMPLE = pd.DataFrame({"store": ["north"], "visits": [120], "sales": [3400.0]})


def init():
    pass


@input_schema("data", PandasParameterType(SAMPLE, orient="records"))
@input_schema("currency", StandardPythonParameterType("EUR"))
def run(data, currency="EUR"):
    per_visit = [s / v if v else None for s, v in zip(data["sales"].tolist(), data["visits"].tolist())]
    return {"per_visit": per_visit, "currency": currency, "stores": data["store"].astype(str).tolist()}
