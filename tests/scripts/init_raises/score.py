import os
import pickle


def init():
    global model
    with open("/Users/alice/models/model.pkl", "rb") as f:  # only on a laptop
        model = pickle.load(f)


def run(raw_data):
    return model.predict(raw_data)
