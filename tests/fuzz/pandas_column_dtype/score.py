"""BROKEN: integer division by a count column that the API allows to be 0."""
import pandas as pd
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.schema_decorators import input_schema

SAMPLE = pd.DataFrame({"store": ["north"], "visits": [120], "sales": [3400.0]})


def init():
    pass


@input_schema("data", PandasParameterType(SAMPLE, orient="records"))
def run(data):
    per_visit = [s // v for s, v in zip(data["sales"].tolist(), data["visits"].tolist())]
    return {"per_visit": per_visit}
