import pandas as pd
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema

# AutoML's generated wrappers: the frame inside Inputs, the method inside GlobalParameters;
# the forecasting template does not enforce the frame's shape.
data_sample = PandasParameterType(pd.DataFrame({"age": pd.Series([0], dtype="int64")}), enforce_shape=False)
split_sample = PandasParameterType(pd.DataFrame({"x": pd.Series([0.5], dtype="float64")}), orient="split")
input_sample = StandardPythonParameterType({"data": data_sample, "more": split_sample})
sample_global_params = StandardPythonParameterType({"method": StandardPythonParameterType("predict")})


def init():
    pass


@input_schema("GlobalParameters", sample_global_params, convert_to_provided_type=False)
@input_schema("Inputs", input_sample)
def run(Inputs, GlobalParameters={"method": "predict"}):
    frames = {key: Inputs[key] for key in ("data", "more")}
    return {
        key: {"rows": len(frame), "columns": [str(c) for c in frame.columns]} for key, frame in frames.items()
    } | {"method": GlobalParameters["method"]}
