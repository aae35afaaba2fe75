"""What the old version of a compared script is (``--score-baseline``): where it lies, and the settings it runs with.

The old version is planned as the gate plans any target (its deployment spec, its environment, its samples and
contract files beside it), with the run's settings but for what belongs to the new version alone:

- its **samples and contract files** are its own (``samples/``, ``request.schema.json`` and ``response.schema.json``
  beside it, at the revision for ``git:REF``); ``--score-samples``, ``--score-schema`` and ``--score-output-schema``
  name the new version's;
- its **model** is ``--score-baseline-model-dir``, else the one its deployment spec names (a local path), else the
  new version's model folder as the new version's run has it;
- its **app root** is its own folder (or its spec's code folder); for ``git:REF``, ``--score-app-root`` is taken at
  the revision;
- time limits and the environment file given are the run's; a deployment spec's apply to the version it describes.

Its own ``score-contract.toml`` is not read: the run's settings are the comparison's, and one file must not make two
versions run under different rules without the user seeing it on the command line.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..config.options import APP_ROOT, BASELINE, MODEL_DIR, OUTPUT_SCHEMA, SAMPLES, SCHEMA
from ..config.settings import Settings
from ..deployment.declared import Deployment
from ..deployment.spec import is_spec, read_spec
from ..errors import UsageError
from .baseline import Revision, is_revision, open_revision

#: Settings that name the new version's own files: not the old version's.
_NEW_VERSION_ONLY = frozenset({APP_ROOT.dest, MODEL_DIR.dest, SAMPLES.dest, SCHEMA.dest, OUTPUT_SCHEMA.dest})


def baseline_target(
    settings: Settings, new: Settings, target: Path, app_root: Path, invocation_dir: Path
) -> tuple[Settings, Path, str]:
    """The old version's target on disk, the settings it runs with, and how messages name it.

    ``settings``: the script's own (before its spec applied); ``new``: the new version's run settings (its model
    folder as the run has it); ``target`` and ``app_root``: the new version's target and code folder."""
    shown = settings.shown(BASELINE, settings.baseline)
    app_root_there: Path | None = None
    if is_revision(settings.baseline):
        revision = open_revision(settings.baseline, target, shown)
        source = _fetch(revision, target, app_root, shown)
        name = settings.baseline
        if settings.app_root is not None and revision.in_repository(settings.app_root):
            app_root_there = revision.at_revision(settings.app_root)
    else:
        source = Path(settings.baseline)
        name = _shown(source, invocation_dir)
    model_dir = settings.baseline_model_dir
    if model_dir is None and not _names_a_local_model(source, name):
        model_dir = new.model_dir
    given = (settings.given - _NEW_VERSION_ONLY) | ({MODEL_DIR.dest} if model_dir is not None else set())
    if app_root_there is not None:
        given |= {APP_ROOT.dest}
    old = replace(
        settings,
        scripts=(source,),
        samples=None,
        schema=None,
        output_schema=None,
        app_root=app_root_there,
        model_dir=model_dir,
        baseline="",
        traffic=None,
        server=False,
        cov=False,
        cov_fail_under=None,
        cov_report="",
        given=frozenset(given),
        named=tuple((dest, text) for dest, text in settings.named if dest not in _NEW_VERSION_ONLY),
    )
    return old, source, name


def _names_a_local_model(source: Path, shown: str) -> bool:
    if not is_spec(source):
        return False
    spec = read_spec(source, shown)
    return spec.model_path is not None and spec.model_path.exists()


def _fetch(revision: Revision, target: Path, app_root: Path, shown: str) -> Path:
    """Write the target's files as they were at the revision; returns the target's copy."""
    if is_spec(target):
        # The spec's folder (its sample requests beside it too), and what the working tree's spec names.
        absent = revision.fetch([target, target.parent, *_named_by(read_spec(target, shown))])
    else:
        absent = revision.fetch([target, app_root])
    if target.resolve() in absent:
        where = os.path.relpath(target.resolve(), revision.root)
        raise UsageError(
            f"{shown}: {where} is not in {revision.ref} ({revision.commit[:12]}): there is no old version."
        )
    source = revision.at_revision(target)
    if is_spec(target):
        # What the revision's own spec names that the working tree's did not (a code folder since renamed), then
        # what git does not track (a model folder in .gitignore), linked from the working tree.
        named = [revision.in_working_tree(path) for path in _named_by(read_spec(source, shown))]
        revision.link(revision.fetch(named))
    return source


def _named_by(spec: Deployment) -> list[Path]:
    return [path for path in (spec.code, spec.env_file, spec.model_path) if path is not None]


def _shown(path: Path, invocation_dir: Path) -> str:
    try:
        return os.path.relpath(path, invocation_dir)
    except ValueError:
        return str(path)
