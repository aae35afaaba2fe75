"""Broken: AutoML v1-style generated file. The model returns a plain list, so
`result.tolist()` raises AttributeError on every call, and the except branch answers
json.dumps({"error": ...}) with a 200."""

import json
import logging

import numpy as np
import pandas as pd
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.schema_decorators import input_schema, output_schema

input_sample = pd.DataFrame(
    {"age": pd.Series([50], dtype="int64"), "ejection_fraction": pd.Series([38.0], dtype="float64")}
)
output_sample = np.array([0])


class ThresholdModel:
    def predict(self, frame):
        return [int(row.ejection_fraction < 30) for row in frame.itertuples()]


def init():
    global model
    try:
        model = ThresholdModel()
    except Exception as e:
        logging.exception(e)
        raise


@input_schema("data", PandasParameterType(input_sample))
@output_schema(NumpyParameterType(output_sample))
def run(data):
    try:
        result = model.predict(data)
        return json.dumps({"result": result.tolist()})
    except Exception as e:
        result = str(e)
        return json.dumps({"error": result})
