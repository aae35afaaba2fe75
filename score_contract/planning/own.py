"""A target's own settings: the run's, with the score-contract.toml beside the target applied and, for a
deployment spec, the one beside the script it names (the script's folder is where such a file belongs when one spec
per environment shares a script); the spec's own folder wins where both set a key."""

from __future__ import annotations

import os
from pathlib import Path

from ..config.settings import Settings
from ..config.settings_file import script_settings
from ..deployment.spec import is_spec, read_spec


def own_settings(settings: Settings, target: Path, invocation_dir: Path) -> Settings:
    """The settings file beside the target applied; for a deployment spec, also the one beside the script it names
    (the script's folder is where a score-contract.toml belongs when one spec per environment shares a script), the
    spec's own folder winning where both set a key."""
    if is_spec(target):
        script = read_spec(target, os.path.relpath(target, invocation_dir)).script
        if script is not None and script.parent != target.parent:
            settings = script_settings(settings, script, invocation_dir)
    return script_settings(settings, target, invocation_dir)
