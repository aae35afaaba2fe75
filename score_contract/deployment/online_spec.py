"""A CLI v2 online deployment (managed or Kubernetes), as the official references define it
(https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json, kubernetesOnlineDeployment.schema.json;
learn.microsoft.com reference-yaml-deployment-managed-online): ``code_configuration.code`` (a local folder, relative
to the YAML file) and ``scoring_script`` (relative to it); ``model`` inline with a local ``path`` or a reference
``azureml:name:version``; ``environment`` inline (``conda_file``, ``image``) or a reference;
``environment_variables``; ``request_settings.request_timeout_ms`` (default 5000) and
``max_concurrent_requests_per_instance`` (default 1); ``liveness_probe`` / ``readiness_probe`` (``initial_delay`` 10,
``period`` 10, ``failure_threshold`` 30 by default); ``instance_type``; for Kubernetes, ``resources.limits.memory``.

The init() budget is what the liveness probe allows before the platform restarts the container:
``initial_delay + period × failure_threshold`` (310 s by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .declared import Deployment, parts
from .fields import Fields
from .resources import memory_limit

_PROBE_DEFAULTS = {"initial_delay": 10.0, "period": 10.0, "failure_threshold": 30.0}
_REQUEST_TIMEOUT_MS = 5000.0


def read_online(data: dict[str, Any], path: Path, shown: str, kind: str) -> Deployment:
    spec = Fields(data, shown)
    found = parts(spec, path.parent)
    request = spec.mapping("request_settings")
    probe = spec.mapping("liveness_probe")
    delay = probe.number("initial_delay", _PROBE_DEFAULTS["initial_delay"])
    period = probe.number("period", _PROBE_DEFAULTS["period"], above=True)
    threshold = probe.number("failure_threshold", _PROBE_DEFAULTS["failure_threshold"], minimum=1)
    memory, memory_origin = memory_limit(spec, kind)
    return Deployment(
        path,
        shown,
        kind,
        **found.fields(),
        environment_variables=spec.variables("environment_variables"),
        request_timeout=request.number("request_timeout_ms", _REQUEST_TIMEOUT_MS, above=True) / 1000,
        max_concurrent=request.integer("max_concurrent_requests_per_instance", 1, minimum=1),
        init_budget=delay + period * threshold,
        init_budget_origin=(
            f"liveness_probe: initial_delay {_plain(delay)} + period {_plain(period)}"
            f" × failure_threshold {_plain(threshold)}"
        ),
        instance_type=spec.text("instance_type"),
        memory_limit_mb=memory,
        memory_origin=memory_origin,
    )


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)
