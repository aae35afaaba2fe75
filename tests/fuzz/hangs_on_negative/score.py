"""BROKEN: a retry loop that never ends for a negative amount (the refund path waits for
a balance that never comes). Hangs on about half of the bodies the contract allows."""
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("amount", StandardPythonParameterType(12.5))
def run(amount):
    balance = 0.0
    while amount < 0 and balance >= amount:
        balance -= 0.0  # waits for a refund that never arrives
    return {"fee": round(abs(amount) * 0.01, 2)}
