"""Classify iris flowers, with the request and response described by inference-schema.

Request:  {"data": [[sepal_length, sepal_width, petal_length, petal_width], ...]}  (cm)
Response: [[p_setosa, p_versicolor, p_virginica], ...]  one row of probabilities per flower

@input_schema makes the server parse the JSON body and hand run() a numpy array
with the sample's dtype (float64) and width (4 columns); the number of rows is
free. The same decorators generate the endpoint's /swagger.json.
"""

import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema, output_schema

# A multinomial logistic regression fitted on sklearn.datasets.load_iris and
# exported as its coefficients: small enough to live in the script.
CLASSES = ("setosa", "versicolor", "virginica")
COEF = np.array(
    [
        [-0.420, 0.967, -2.519, -1.085],
        [0.532, -0.315, -0.204, -0.943],
        [-0.112, -0.652, 2.723, 2.027],
    ]
)
INTERCEPT = np.array([9.842, 2.225, -12.066])

# The samples fix the contract: float64, 4 columns (a JSON int such as 5 is accepted and becomes 5.0).
INPUT_SAMPLE = np.array([[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]])
OUTPUT_SAMPLE = np.array([[0.98, 0.02, 0.0], [0.0, 0.02, 0.98]])


def init():
    # Nothing to load: the coefficients are constants. The server still requires init().
    pass


@input_schema("data", NumpyParameterType(INPUT_SAMPLE))
@output_schema(NumpyParameterType(OUTPUT_SAMPLE))
def run(data):
    logits = data @ COEF.T + INTERCEPT
    logits -= logits.max(axis=1, keepdims=True)  # numerically stable softmax
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    # The server's json.dumps cannot encode an ndarray: return nested lists of floats.
    return probabilities.round(4).tolist()
