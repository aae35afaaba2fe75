"""Reports how it was loaded: the loading fidelity test compares this report
between score-contract and the official server started the same way."""
import os
import sys

import helpers  # a sibling module: importable because the app root is on sys.path
import utils  # shadowed: the server's own server/utils.py comes first on sys.path
from azureml.contrib.services.aml_response import AMLResponse

ENV_KEYS = (
    "AML_APP_ROOT",
    "AZUREML_ENTRY_SCRIPT",
    "AZUREML_MODEL_DIR",
    "WORKER_COUNT",
    "TRANSPORT_PROTOCOL",
    "HTTP_X_MS_SERVER_VERSION",
    "AML_APP_INSIGHTS_ENABLED",
    "SERVER_SOFTWARE",
)


def where(path):
    if path == os.getcwd():
        return "cwd"
    if path.endswith(os.path.join("azureml_inference_server_http", "server")):
        return "server/"
    if path == os.path.dirname(os.path.abspath(__file__)):
        return "script folder"
    return None


def report(phase):
    return {
        "phase": phase,
        "name": __name__,
        "file": __file__,
        "cwd": os.getcwd(),
        "in_sys_modules": "entry_module" in sys.modules,
        # sys.path entries that are ours to control, in order (site-packages etc. left out)
        "path": [w for w in map(where, sys.path) if w],
        "first_path_is_python_bin": sys.path[0] == os.path.dirname(sys.executable),
        "env": {key: os.environ.get(key) for key in ENV_KEYS},
        "utils_is_the_servers": utils.__file__.endswith(os.path.join("server", "utils.py")),
        "helpers": helpers.MARK,
        "aml_response_module": AMLResponse.__module__,
        "argv0": sys.argv[0],
    }


AT_IMPORT = report("import")


def init():
    global AT_INIT
    AT_INIT = report("init")


def run(raw_data):
    return [AT_IMPORT, AT_INIT, report("run")]
