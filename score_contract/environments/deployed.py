"""A target's deployment and environment, as a script run sees them: built once, on first need,
shared by the online and the batch runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .checks import DeploymentFiles
from .prepared import EnvironmentEvidence, prepare
from .tools import SideFolder, coverage_for

if TYPE_CHECKING:
    from ..planning.targets import Target

Progress = Callable[[str], None]


class Deployed:
    """What a target adds to a script run: the spec's files, the environment, its variables."""

    def __init__(self, target: Target | None, app_root: Path, progress: Progress | None = None) -> None:
        self.target = target
        self.app_root = app_root
        self.progress = progress
        self._environment: EnvironmentEvidence | None = None

    @property
    def files(self) -> DeploymentFiles | None:
        deployment = self.target.deployment if self.target is not None else None
        return DeploymentFiles(deployment.shown, deployment.missing) if deployment is not None else None

    def environment(self) -> EnvironmentEvidence | None:
        """The environment, built now if this is the first time it is asked for (None: none declared)."""
        if self.target is None or self.target.env is None:
            return None
        if self._environment is None:
            env = self.target.env
            say = self.progress
            if say is not None:
                say(f"environment of {self.target.script.name}: {self.target.env_origin}")
            self._environment = prepare(
                env,
                self.target.env_origin,
                self.target.env_shown,
                self.target.script,
                self.app_root,
                rebuild=self.target.settings.env_rebuild,
                progress=say,
            )
        return self._environment

    def blocker(self) -> tuple[str, str] | None:
        """Why the script cannot be run at all, and the check that says so (None: it can)."""
        files = self.files
        if files is not None and files.missing is not None:
            return "the deployment names a file that does not exist", "deployment_files_exist"
        env = self.environment()
        if env is not None and env.unreproducible:
            return "the environment cannot be built on this machine", "environment_builds"
        if env is not None and env.built is None:
            return "the environment did not build", "environment_builds"
        # The batch runtime never starts the inference server: its environment need not hold it.
        if env is not None and not env.has_server and self.target is not None and self.target.kind != "batch":
            return "the environment holds no inference server", "environment_has_the_server"
        return None

    @property
    def python(self) -> Path | None:
        env = self.environment()
        return env.built.python if env is not None and env.built is not None else None

    def version(self, distribution: str) -> str | None:
        """A distribution's version in the environment (None: no environment, this Python's)."""
        env = self.environment()
        return env.version(distribution) if env is not None and env.built is not None else None

    def coverage_folder(self) -> SideFolder:
        """Where the environment's Python (another than ours) imports coverage.py from: a side folder of the
        cache, installed once for its version (see .tools)."""
        env = self.environment()
        assert env is not None and env.built is not None
        return coverage_for(env.built.python, env.built.python_version, self.progress or (lambda line: None))

    def variables(self) -> dict[str, str]:
        """Set for the script (and the official server): the spec's environment_variables, and what the
        server's own version headers say in that environment."""
        found = dict(self.target.environment_variables) if self.target is not None else {}
        env = self.environment()
        if env is not None and env.built is not None:
            server = env.version("azureml-inference-server-http")
            if server:
                found.setdefault("HTTP_X_MS_SERVER_VERSION", f"azmlinfsrv/{server}")
            gunicorn = env.version("gunicorn")
            if gunicorn:
                found.setdefault("SERVER_SOFTWARE", f"gunicorn/{gunicorn}")
        return found

    def notes(self) -> tuple[str, ...]:
        notes = list(self.target.notes) if self.target is not None else []
        env = self._environment
        if env is not None:
            notes += env.notes()
        return tuple(notes)
