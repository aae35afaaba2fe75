"""Train the diabetes-progression regressor that score.py serves.

Run from anywhere:

    python examples/sklearn-diabetes/train.py

It writes model/model.joblib beside this file. The data set ships with
scikit-learn, so nothing is downloaded. The model is a scaler + ridge pipeline:
a few KB on disk, and it takes the ten *raw* clinical measurements (age in
years, sex coded 1/2, BMI, blood pressure, six blood serum values) in the order
of ``load_diabetes().feature_names``.
"""

from __future__ import annotations

from pathlib import Path

import joblib
from sklearn.datasets import load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_FILE = Path(__file__).resolve().parent / "model" / "model.joblib"


def main() -> None:
    # scaled=False: the endpoint takes the measurements as a clinician would
    # send them, not the mean-centred copies scikit-learn uses by default.
    X, y = load_diabetes(return_X_y=True, scaled=False)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=[0.1, 1.0, 10.0]))
    model.fit(X_train, y_train)
    print(f"R^2 on held-out data: {model.score(X_test, y_test):.3f}")

    MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, MODEL_FILE)
    print(f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
