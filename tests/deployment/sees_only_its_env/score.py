"""Answers with what its interpreter can import: the environment's, not the test session's."""

import importlib.util
import json
import os
import sys


def init():
    pass


def run(raw_data):
    names = ["pytest", "hypothesis", "jsonschema", "score_contract", "six", "azureml_inference_server_http"]
    return {
        "importable": {name: importlib.util.find_spec(name) is not None for name in names},
        "prefix": sys.prefix,
        "variable": os.environ.get("GREETING", ""),
        "model_dir": os.environ.get("AZUREML_MODEL_DIR", ""),
    }
