"""A linear model served from a managed online deployment (deployment.yml).

Written as the azureml-examples samples are: the model is the deployment's `model/` folder, so
the platform mounts it as $AZUREML_MODEL_DIR/model/, and init() joins that sub-folder.

Request:  {"data": [[x1, x2, x3, x4], ...]}
Response: {"predictions": [float, ...]}
"""

import json
import logging
import os

import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema

weights = None


def init():
    global weights
    # AZUREML_MODEL_DIR is the registered model's folder; the model was the `model/` folder.
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/weights.json")
    with open(path) as handle:
        weights = np.asarray(json.load(handle)["coefficients"], dtype=float)
    logging.info("Init complete")


@input_schema("data", NumpyParameterType(np.array([[1.0, 2.0, 3.0, 4.0]])))
@output_schema(StandardPythonParameterType({"predictions": [1.0]}))
def run(data):
    rows = np.asarray(data, dtype=float).reshape(-1, len(weights))
    return {"predictions": [float(value) for value in rows @ weights]}
