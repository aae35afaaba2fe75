"""The environment a deployment declares, built for real: its env file read (conda YAML or a pip
requirements file), a virtual environment built from it and cached, the interpreter the script then
runs on, and the checks of what that environment holds."""
