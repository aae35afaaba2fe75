"""Crashes on an empty batch, and nothing says the batch may be empty: the azureml-examples
model-1 script (json.loads(raw_data)["data"] into model.predict) with its one sample.
scikit-learn refuses {"data": []}: "Expected 2D array, got 1D array instead"."""
import json
import logging

import numpy
from sklearn.linear_model import LinearRegression


def init():
    global model
    rng = numpy.random.default_rng(0)
    features = rng.normal(size=(50, 10))
    model = LinearRegression().fit(features, features @ numpy.arange(10.0))
    logging.info("Init complete")


def run(raw_data):
    logging.info("model 1: request received")
    data = json.loads(raw_data)["data"]
    data = numpy.array(data)
    result = model.predict(data)
    logging.info("Request processed")
    return result.tolist()
