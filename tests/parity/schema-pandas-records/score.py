import pandas as pd
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("data", PandasParameterType(pd.DataFrame({"a": [1], "b": ["x"]}), orient="records"))
def run(data):
    return {
        "columns": [str(c) for c in data.columns],
        "dtypes": [str(t) for t in data.dtypes],
        "a": [int(v) for v in data["a"]],
        "b": [str(v) for v in data["b"]],
    }
