"""How model/model.pkl was made: a small bank-marketing style classifier (a scikit-learn
pipeline over age, balance and campaign), saved with joblib as AutoML saves its model."""
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

if __name__ == "__main__":
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {"age": rng.integers(18, 90, 200), "balance": rng.normal(1500, 900, 200), "campaign": rng.integers(1, 10, 200)}
    )
    subscribed = (frame["balance"] / 1000 - frame["campaign"] / 3 + rng.normal(0, 0.5, 200) > 0.5).astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(frame, subscribed)
    joblib.dump(model, Path(__file__).parent / "model" / "model.pkl")
