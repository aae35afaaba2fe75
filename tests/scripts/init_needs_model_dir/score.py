import json
import os


def init():
    global labels
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "labels.json")) as f:
        labels = json.load(f)


def run(raw_data):
    return {"labels": labels}
