"""The model laid out as the platform mounts it, and AZUREML_MODEL_DIR pointing where it points.

On a managed online deployment, AZUREML_MODEL_DIR is ``/var/azureml-app/azureml-models/NAME/VERSION``
and the model's ``path`` is placed inside it under its own name: a file ``model/clf.pkl`` becomes
``$AZUREML_MODEL_DIR/clf.pkl``, a folder ``model/`` becomes ``$AZUREML_MODEL_DIR/model/...``
(learn.microsoft.com, "Specify model to deploy for use in online endpoint"; the azureml-examples
scripts join ``"model/sklearn_regression_model.pkl"`` for a deployment whose model path is the
``model/`` folder). A script that joins the laptop's layout instead fails here as it fails there.

The model is linked, not copied: a symlink per model under the temporary folder, stable for
a given model path so that a reproduce command finds the same layout.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def mounted_model_dir(model_path: Path, name: str = "", version: str = "") -> Path:
    """The folder to give as AZUREML_MODEL_DIR for a model at ``model_path`` (a file or a folder)."""
    digest = hashlib.sha256(str(model_path).encode()).hexdigest()[:12]
    model_dir = (
        Path(tempfile.gettempdir())
        / "score-contract-models"
        / digest
        / "azureml-models"
        / (name or "model")
        / (version or "1")
    )
    model_dir.mkdir(parents=True, exist_ok=True)
    link = model_dir / model_path.name
    if link.is_symlink() and Path(os.readlink(link)) != model_path:
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(model_path, target_is_directory=model_path.is_dir())
    return model_dir
