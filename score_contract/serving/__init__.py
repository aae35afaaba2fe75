"""What the official server does to a script: load it, call run(), build the response."""

#: The official server's Python package (azureml-inference-server-http).
SERVER_PACKAGE = "azureml_inference_server_http"
