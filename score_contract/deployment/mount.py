"""The model laid out as the platform mounts it, and AZUREML_MODEL_DIR pointing where it points.

On a managed online deployment, AZUREML_MODEL_DIR is ``/var/azureml-app/azureml-models/NAME/VERSION``
and the model's ``path`` is placed inside it under its own name: a file ``model/clf.pkl`` becomes
``$AZUREML_MODEL_DIR/clf.pkl``, a folder ``model/`` becomes ``$AZUREML_MODEL_DIR/model/...``
(learn.microsoft.com, "Specify model to deploy for use in online endpoint"; the azureml-examples
scripts join ``"model/sklearn_regression_model.pkl"`` for a deployment whose model path is the
``model/`` folder). A script that joins the laptop's layout instead fails here as it fails there.

The model is mirrored, not copied: real folders under the temporary folder, one symlink per file, so that a file
the script creates beside its model lands in the mirror and never in the user's model folder (a write into an
existing file still goes through its link; the run's check of the model folder reports it). The mirror is stable
for a given model path, so that a reproduce command finds the same layout, and made afresh on each mount, so that
what an earlier run wrote there is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
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
    _mirror(model_path, model_dir / model_path.name)
    return model_dir


def _mirror(source: Path, target: Path) -> None:
    """``target`` made a mirror of ``source``: a link for a file; for a folder, the same folders, linked files."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target, ignore_errors=True)
    # FileExistsError: another session mounted the same model at the same moment; its mirror is this one.
    if not source.is_dir():
        with contextlib.suppress(FileExistsError):
            target.symlink_to(source)
        return
    for top, _folders, files in os.walk(source, followlinks=True):
        here = target / Path(top).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            with contextlib.suppress(FileExistsError):
                (here / name).symlink_to(Path(top, name))
