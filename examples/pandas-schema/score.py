"""Score customer churn from a table of mixed-type columns, described by inference-schema.

Request:  {"data": [{"customer_id": "C-1001", "tenure_months": 12, "monthly_charges": 70.35,
                     "contract": "month-to-month"}, ...],
           "threshold": 0.5}                      <- optional
Response: {"customer_id": [...], "churn_probability": [...], "will_churn": [...], "threshold": 0.5}

@input_schema("data", PandasParameterType(..., orient="records")) makes the server
turn the list of records into a DataFrame with the sample's columns and dtypes
(str, int64, float64, str). The second parameter, "threshold", may be left out
or sent as null.
"""

import numpy as np
import pandas as pd
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema

DEFAULT_THRESHOLD = 0.5

# A logistic model fitted offline, exported as its weights.
INTERCEPT = -0.35
WEIGHT_TENURE = -0.045  # per month as a customer
WEIGHT_CHARGES = 0.018  # per currency unit of monthly charges
WEIGHT_CONTRACT = {"month-to-month": 0.9, "one-year": -0.6, "two-year": -1.7}
#: A contract type the model never saw counts as neutral rather than failing the request.
WEIGHT_UNKNOWN_CONTRACT = 0.0

INPUT_SAMPLE = pd.DataFrame(
    {
        "customer_id": ["C-1001", "C-1002"],
        "tenure_months": [12, 40],
        "monthly_charges": [70.35, 19.90],
        "contract": ["month-to-month", "two-year"],
    }
)
OUTPUT_SAMPLE = {
    "customer_id": ["C-1001", "C-1002"],
    "churn_probability": [0.7818, 0.0295],
    "will_churn": [True, False],
    "threshold": DEFAULT_THRESHOLD,
}


def init():
    # The weights are constants; a real model would be loaded here from AZUREML_MODEL_DIR.
    pass


@input_schema("data", PandasParameterType(INPUT_SAMPLE, orient="records"))
# optional=True: the decorator leaves a missing or null threshold alone; the
# Python default is what the server passes when the key is absent.
@input_schema("threshold", StandardPythonParameterType(DEFAULT_THRESHOLD), optional=True)
@output_schema(StandardPythonParameterType(OUTPUT_SAMPLE))
def run(data, threshold=None):
    if threshold is None:
        threshold = DEFAULT_THRESHOLD
    contract = data["contract"].str.strip().str.lower()
    logit = (
        INTERCEPT
        + WEIGHT_TENURE * data["tenure_months"]
        + WEIGHT_CHARGES * data["monthly_charges"]
        + contract.map(WEIGHT_CONTRACT).fillna(WEIGHT_UNKNOWN_CONTRACT)
    )
    probability = 1.0 / (1.0 + np.exp(-logit))
    # .tolist() turns numpy int64/float64/bool_ into int/float/bool, which the
    # server's json.dumps can encode.
    return {
        "customer_id": data["customer_id"].tolist(),
        "churn_probability": probability.round(4).tolist(),
        "will_churn": (probability >= threshold).tolist(),
        "threshold": float(threshold),
    }
