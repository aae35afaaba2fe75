"""How model/sklearn_regression_model.pkl was made: a LinearRegression on scikit-learn's
bundled diabetes data, saved with joblib, then its recorded version (the pickled
``_sklearn_version``) edited to 1.3.2, as if the model had been trained a few releases
ago. Loading it with any other version raises InconsistentVersionWarning."""
import re
from pathlib import Path

import joblib
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression

SAVED_WITH = b"1.3.2"

if __name__ == "__main__":
    X, y = load_diabetes(return_X_y=True)
    path = Path(__file__).parent / "model" / "sklearn_regression_model.pkl"
    joblib.dump(LinearRegression().fit(X, y), path)
    data = path.read_bytes()
    # The version is pickled as a short string: its length byte, then the text.
    current = sklearn.__version__.encode()
    pattern = re.escape(bytes([len(current)]) + current)
    edited = re.sub(pattern, bytes([len(SAVED_WITH)]) + SAVED_WITH, data)
    assert edited != data, "the recorded version was not found"
    path.write_bytes(edited)
