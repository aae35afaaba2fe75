"""One script's plan: what the options, its deployment spec or environment file, its samples and its contract
files decide about it, as a plain value the runs consume (:class:`Script`).

Bad samples and bad contract files are usage errors, found here, before any worker starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..config.options import BASELINE, KIND, REQUEST_SCHEMA_FILE, RESPONSE_SCHEMA_FILE, SAMPLES_FOLDER, TRAFFIC
from ..config.settings import Settings
from ..core.observations import Body
from ..core.wording import a
from ..errors import UsageError
from ..inputs.samples import load_samples
from ..inputs.schema_files import check_samples, load_schema
from ..inputs.traffic import Traffic, read_traffic
from .comparing import baseline_target
from .recognise import recognise
from .targets import Target, target_of


@dataclass(frozen=True)
class Script:
    """One scoring script and everything needed to run it as the server would."""

    path: Path
    app_root: Path
    bodies: tuple[Body, ...]
    #: Where the bodies came from, for the report ("" when there are none).
    samples_origin: str
    #: How the user named the script, for reproduce commands.
    shown_as: str
    #: The request body and output schema files, parsed and checked.
    schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    schema_origin: str = ""
    #: "online", or "batch": called as the batch runtime calls it (see score_contract.batch).
    kind: str = "online"
    #: Why it is a batch script ("run(mini_batch)"), or why an online one looks written for batch.
    kind_reason: str = ""
    #: A batch script's sample files: a folder of them, or one file.
    samples_path: Path | None = None
    #: What the deployment spec or the environment file decided (see score_contract.planning.targets);
    #: None for a plain script run in this Python.
    target: Target | None = None
    #: What a comparison run (kind "comparison") compares it with: the old version, production's traffic.
    comparing: Comparing | None = None

    @property
    def nothing_to_gate(self) -> str:
        """Why this target has no scoring script to run (a no-code MLflow deployment, a pipeline component), or ""."""
        deployment = self.target.deployment if self.target is not None else None
        return deployment.nothing_to_gate if deployment is not None else ""

    def settings_for(self, settings: Settings) -> Settings:
        """The run's settings for this script: a deployment spec's timeouts and model folder applied."""
        return self.target.settings if self.target is not None else settings


@dataclass(frozen=True)
class Comparing:
    """What a comparison run compares a script with (see score_contract.planning.comparing)."""

    #: The old version (--score-baseline), planned as the gate plans a script, with its own settings; how the
    #: messages name it ("git:origin/main", "v1/score.py").
    baseline: Script | None = None
    baseline_settings: Settings | None = None
    baseline_shown: str = ""
    #: Production's requests and answers (--score-traffic).
    traffic: Traffic | None = None


def plan(settings: Settings, path: Path, invocation_dir: Path) -> Script:
    """Decide app root and request bodies for one target; bad samples are usage errors.

    ``path`` is a scoring script or a deployment spec naming one; either may come with an environment
    file (see score_contract.planning.targets), which then decides the run's settings too. With
    --score-baseline or --score-traffic, an online script is compared (see score_contract.planning.comparing).
    """
    script = _plan(settings, path, invocation_dir)
    missing = script.target is not None and script.target.deployment is not None and script.target.deployment.missing
    if (not settings.baseline and settings.traffic is None) or script.nothing_to_gate or missing:
        return script
    if script.kind == "batch":
        what = settings.shown(BASELINE, settings.baseline) if settings.baseline else settings.shown(TRAFFIC, "")
        raise UsageError(
            f"{what}: {script.shown_as} is a batch scoring script ({script.kind_reason}); the comparison of versions and"
            " production traffic are for online scripts."
        )
    baseline, old_settings, name = None, None, ""
    if settings.baseline:
        old_settings, source, name = baseline_target(
            settings, script.settings_for(settings), path, script.app_root, invocation_dir
        )
        baseline = _plan(old_settings, source, invocation_dir)
        if baseline.kind != "online":
            raise UsageError(
                f"{settings.shown(BASELINE, settings.baseline)}: the old version is a batch scoring script."
            )
        baseline = replace(baseline, shown_as=f"{script.shown_as} at {name}" if name.startswith("git:") else name)
    traffic = None
    if settings.traffic is not None:
        shown = dict(settings.named).get(TRAFFIC.dest) or _shown(settings.traffic, invocation_dir)
        traffic = read_traffic(settings.traffic, shown, settings.traffic_limit, script.bodies)
    return replace(script, kind="comparison", comparing=Comparing(baseline, old_settings, name, traffic))


def _plan(settings: Settings, path: Path, invocation_dir: Path) -> Script:
    target = target_of(settings, path, invocation_dir)
    if target is None:
        return _plan_script(settings, path, invocation_dir)
    shown = _shown(path, invocation_dir)
    if target.deployment is not None and target.deployment.nothing_to_gate:
        return Script(target.script, target.script.parent, (), "", shown, target=target)
    if target.deployment is not None and target.deployment.missing is not None:
        # The deployment names a file that is not there: its own check fails, the rest are skipped.
        return Script(target.script, target.settings.app_root or target.script.parent, (), "", shown, target=target)
    script = _plan_script(target.settings, target.script, invocation_dir)
    if not script.bodies and script.kind == "online" and target.sample_requests:
        # What `az ml online-endpoint invoke --request-file` sends: the deployment's own sample requests.
        bodies = tuple(body for file in target.sample_requests for body in load_samples(file, invocation_dir))
        origin = ", ".join(_shown(file, invocation_dir) for file in target.sample_requests)
        if script.schema is not None and script.schema_origin:
            check_samples(bodies, script.schema, script.schema_origin)
        script = replace(script, bodies=bodies, samples_origin=origin)
    deployment = target.deployment
    if deployment is not None and deployment.kind == "batch" and KIND.dest not in settings.given:
        # Batch because the spec says so, not because the user gave --score-kind batch.
        what = "a batch deployment" if deployment.format == "batch" else a(deployment.format)
        script = replace(script, kind_reason=f"{what} spec")
    return replace(script, shown_as=shown, target=target)


def _plan_script(settings: Settings, path: Path, invocation_dir: Path) -> Script:
    # An app root that does not hold the script is fine: the server joins it with the
    # script's (absolute) path, which leaves the path as it is.
    app_root = settings.app_root or path.parent
    samples = settings.samples
    if samples is None and (path.parent / SAMPLES_FOLDER).is_dir():
        samples = path.parent / SAMPLES_FOLDER
    kind = recognise(path, settings.kind)
    if kind.kind == "batch":
        # Its samples are the files mini-batches are made of, whatever they hold.
        origin = _shown(samples, invocation_dir) if samples is not None else ""
        shown = _shown(path, invocation_dir)
        return Script(path, app_root, (), origin, shown, kind="batch", kind_reason=kind.reason, samples_path=samples)
    kind_note = kind.reason
    bodies = load_samples(samples, relative_to=invocation_dir) if samples is not None else ()
    origin = _shown(samples, invocation_dir) if samples is not None else ""
    schema_file = settings.schema or _beside(path, REQUEST_SCHEMA_FILE)
    output_file = settings.output_schema or _beside(path, RESPONSE_SCHEMA_FILE)
    schema = load_schema(schema_file, _shown(schema_file, invocation_dir)) if schema_file else None
    output = load_schema(output_file, _shown(output_file, invocation_dir)) if output_file else None
    if schema is not None and schema_file is not None:
        check_samples(bodies, schema, _shown(schema_file, invocation_dir))
    return Script(
        path,
        app_root,
        bodies,
        origin,
        _shown(path, invocation_dir),
        schema=schema,
        output_schema=output,
        schema_origin=_shown(schema_file, invocation_dir) if schema_file else "",
        kind_reason=kind_note,
    )


def _beside(script: Path, name: str) -> Path | None:
    candidate = script.parent / name
    return candidate if candidate.is_file() else None


def _shown(path: Path, invocation_dir: Path) -> str:
    try:
        return os.path.relpath(path, invocation_dir)
    except ValueError:
        return str(path)
