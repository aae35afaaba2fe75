"""How models/iris.sav and models/diabetes.sav were made: scikit-learn's bundled iris and
diabetes data, as DataFrames (the columns the requests name), a decision tree and a linear
regression, saved with joblib."""
from pathlib import Path

import joblib
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeClassifier

if __name__ == "__main__":
    folder = Path(__file__).parent / "models"
    iris = load_iris(as_frame=True)
    joblib.dump(DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target), folder / "iris.sav")
    diabetes = load_diabetes(as_frame=True)
    joblib.dump(LinearRegression().fit(diabetes.data, diabetes.target), folder / "diabetes.sav")
