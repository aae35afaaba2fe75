"""An environment file read into what a virtual environment can install: a conda environment
YAML (``conda.yaml``, ``environment.yml``) or a pip requirements file.

Conda's own solver is not used unless it must be: the gate builds a plain virtual environment, so
conda package specs become pip requirements under their PyPI names (``numpy=1.21`` ->
``numpy==1.21.*``), and what pip cannot install (the interpreter, compilers, CUDA) is left out with the
reason. A package only conda installs (gdal) is not left out, for the script needs it: it is listed in
``needs_conda``, and conda builds the whole file (see .installers). MLflow's
``python_env.yaml`` (a Python version and pip lines) is read too. YAML is read with PyYAML;
requirement lines are parsed with ``packaging`` (pytest's own dependency), imported when a line is parsed: its
grammar costs ~20 ms to import, which every run paid (the planning of any script imports this module).

A file pip or conda would refuse (``numpy ==``, a ``.json`` given as requirements, dependencies that
are not a list) is a usage error naming the file and the line, never a build that fails later: each
requirement is parsed here, except what only pip can judge (URLs, paths, archives). Checked against
every environment file of the official azureml-examples repository: the one refused
(``sdk/python/foundation-models/system/import/requirements.txt``, a Python list) pip refuses too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UsageError
from .conda_names import needs_conda, pypi_name, why_left_out

#: Likely env files beside a plain script, in this order: never used unless named, only pointed at.
BESIDE = ("conda.yaml", "conda.yml", "environment.yml", "environment.yaml", "requirements.txt")
#: The distributions that bring the inference server into an environment.
SERVER_DISTRIBUTIONS = ("azureml-inference-server-http", "azureml-defaults")


@dataclass(frozen=True)
class EnvSpec:
    """What an env file asks for, in pip's terms."""

    source: Path
    #: Requirement lines for pip, in the file's order (conda specs converted).
    requirements: tuple[str, ...] = ()
    #: pip option lines (``--extra-index-url ...``), kept as written.
    pip_options: tuple[str, ...] = ()
    #: The conda ``python`` spec ("3.9", ">=3.8"), "" when the file names none.
    python: str = ""
    #: Conda packages not installed, with why.
    left_out: tuple[tuple[str, str], ...] = ()
    #: Canonical names of the distributions asked for.
    names: tuple[str, ...] = ()
    #: Conda packages only conda installs (gdal), as written: then conda builds the whole environment.
    needs_conda: tuple[str, ...] = ()
    #: The conda environment as conda reads it (YAML), for conda to build ("" for a requirements file).
    conda_document: str = ""

    @property
    def brings_server(self) -> bool:
        return any(name in self.names for name in SERVER_DISTRIBUTIONS)


def read_text(path: Path, shown: str, what: str, absent: str) -> str:
    """A user's file as text; one that is missing (``absent`` says so) or unreadable is a usage error."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{shown}: {absent}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{shown}: cannot read the {what} ({exc}).") from None


def parse_yaml(text: str, shown: str) -> object:
    """YAML parsed; invalid YAML is a usage error naming the file and the line."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise UsageError(f"{shown}: not valid YAML{line}.") from None


#: What an environment file is not, though it may be given as one: a usage error, not a failed build.
_NOT_ENV_FILES = (".json", ".toml", ".cfg", ".ini", ".py", ".lock", ".whl", ".zip", ".gz")


def read_env_file(path: Path, shown: str) -> EnvSpec:
    """Read a conda YAML or a requirements file; a file we cannot read, or a line pip or conda could not,
    is a usage error naming the file (and the line)."""
    if path.suffix.lower() in _NOT_ENV_FILES:
        raise UsageError(
            f"{shown}: a {path.suffix} file is not an environment file: give a conda environment YAML"
            " (.yml, .yaml) or a pip requirements file."
        )
    text = read_text(path, shown, "environment file", "the environment file does not exist")
    if path.suffix.lower() in (".yml", ".yaml"):
        data = parse_yaml(text, shown)
        if isinstance(data, dict) and "build_dependencies" in data and isinstance(data.get("dependencies"), list):
            return _python_env(data, path, shown)
        spec = conda_spec(data, path, shown, _yaml_lines(text))
        return replace(spec, conda_document=text) if spec.needs_conda else spec  # conda reads the file as it is
    lines, options = _requirement_lines(text, path, shown, seen=set())
    return EnvSpec(path, tuple(lines), tuple(options), names=_names(lines))


def _python_env(data: dict[str, object], path: Path, shown: str) -> EnvSpec:
    """MLflow's ``python_env.yaml`` (beside an MLflow model's conda.yaml): a Python version, and pip lines
    (``-r requirements.txt`` relative to it) as its dependencies."""
    listed = data.get("dependencies")
    assert isinstance(listed, list)
    lines, options = _requirement_lines("\n".join(map(str, listed)), path, shown, seen=set())
    python = str(data.get("python") or "")
    return EnvSpec(path, tuple(lines), tuple(options), f"=={python}" if python else "", names=_names(lines))


@dataclass(frozen=True)
class _Lines:
    """Where a conda YAML's parts are (1-based lines; 0 when unknown): for the usage errors."""

    dependencies: int = 0
    #: One per entry of dependencies; for a ``pip:`` entry, one per requirement of its list too.
    entries: tuple[int, ...] = ()
    pip: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def entry(self, index: int) -> int:
        return self.entries[index] if index < len(self.entries) else 0

    def pip_entry(self, index: int, item: int) -> int:
        found = self.pip.get(index, ())
        return found[item] if item < len(found) else 0


def _yaml_lines(text: str) -> _Lines:
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)  # parse_yaml has refused invalid YAML already
    if not isinstance(root, yaml.MappingNode):
        return _Lines()
    value = next((v for k, v in root.value if getattr(k, "value", None) == "dependencies"), None)
    if value is None:
        return _Lines()
    if not isinstance(value, yaml.SequenceNode):
        return _Lines(value.start_mark.line + 1)
    pip: dict[int, tuple[int, ...]] = {}
    for index, item in enumerate(value.value):
        if isinstance(item, yaml.MappingNode):
            for k, v in item.value:
                if getattr(k, "value", None) == "pip" and isinstance(v, yaml.SequenceNode):
                    pip[index] = tuple(i.start_mark.line + 1 for i in v.value)
    return _Lines(value.start_mark.line + 1, tuple(i.start_mark.line + 1 for i in value.value), pip)


def _at(shown: str, line: int) -> str:
    return f"{shown}, line {line}" if line else shown


def conda_spec(data: object, path: Path, shown: str, lines: _Lines | None = None) -> EnvSpec:
    """A conda environment already parsed (a YAML file's, or a v1 inference configuration's inline one)."""
    lines = lines or _Lines()
    if not isinstance(data, dict):
        what = type(data).__name__ if data is not None else "empty"
        raise UsageError(
            f"{shown}: not a conda environment: conda expects a mapping of name, channels and dependencies"
            f" (this is {what})."
        )
    dependencies = data.get("dependencies")
    if not isinstance(dependencies, list | None):
        raise UsageError(
            f"{_at(shown, lines.dependencies)}: dependencies must be a list (conda packages, and a pip: list);"
            f" here it is a {_kind(dependencies)}."
        )
    requirements: list[str] = []
    options: list[str] = []
    left_out: list[tuple[str, str]] = []
    conda_only: list[str] = []
    python = ""
    for index, entry in enumerate(dependencies or []):
        where = _at(shown, lines.entry(index))
        if isinstance(entry, dict):
            pip = entry.get("pip")
            if set(entry) != {"pip"} or not isinstance(pip, list):
                raise UsageError(f"{where}: a mapping among dependencies is the pip: list of requirements.")
            for item, requirement in enumerate(pip):
                line = str(requirement).split(" #", 1)[0].strip()
                if line.startswith("-"):
                    options.append(line)
                elif line:
                    requirements.append(_checked(line, _at(shown, lines.pip_entry(index, item))))
            continue
        if not isinstance(entry, str | int | float):
            raise UsageError(
                f"{where}: a conda package is written as a string (numpy=1.26); here it is a {_kind(entry)}."
            )
        name, version = _conda_spec(str(entry))
        if name == "python":
            python = version
            continue
        if needs_conda(name):
            conda_only.append(str(entry))
            continue
        installs_as = pypi_name(name)
        if installs_as is None:
            if name not in ("pip", "setuptools", "wheel"):
                left_out.append((str(entry), why_left_out(name)))
            continue
        requirement = f"{installs_as}{version if version[:1] in '<>=!~' else ''}"
        requirements.append(_checked(requirement, where, written=str(entry)))
    document = ""
    if conda_only:
        import yaml

        document = yaml.safe_dump(data, sort_keys=False)
    return EnvSpec(
        path,
        tuple(requirements),
        tuple(options),
        python,
        tuple(left_out),
        _names(requirements),
        tuple(conda_only),
        document,
    )


def _kind(value: object) -> str:
    names = {"dict": "mapping", "str": "string"}
    return names.get(type(value).__name__, type(value).__name__)


def _checked(requirement: str, where: str, written: str = "") -> str:
    """``requirement`` as pip will read it; one pip cannot read is a usage error saying where it is
    (a URL, a path or an archive is pip's to judge)."""
    text = requirement.split(" --", 1)[0].strip()  # per-requirement options: --hash=..., --config-settings
    if "://" in text or "${" in text or text.startswith((".", "/", "~")) or text.endswith(_ARCHIVES):
        return requirement
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(text)
    except InvalidRequirement as exc:
        reason = str(exc).splitlines()[0].rstrip(".")
        what = f"the conda package {written!r}" if written else repr(requirement)
        raise UsageError(f"{where}: {what} is not a requirement pip can read ({reason}).") from None
    return requirement


_ARCHIVES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")


def _conda_spec(spec: str) -> tuple[str, str]:
    """``numpy=1.21.2=py39h_0`` -> ("numpy", "==1.21.2.*"): conda's match spec in PEP 440 terms."""
    spec = spec.strip()
    match = re.match(r"^(?:[\w.-]+::)?([A-Za-z0-9_.-]+)\s*(.*)$", spec)
    if match is None:
        return spec, ""
    name, rest = match.group(1), match.group(2).strip()
    if not rest:
        return name, ""
    rest = rest.split("|")[0].strip()
    if rest.startswith("=") and not rest.startswith("=="):
        version = rest[1:].split("=")[0]  # name=version=build
        return name, f"=={version.rstrip('.*')}.*" if version else ""
    if rest[0] in "<>!=~":
        return name, rest.split(" ")[0]
    version = rest.split(" ")[0].split("=")[0]  # "numpy 1.21.*" or "numpy 1.21 build"
    return name, f"=={version.rstrip('.*')}.*"


def _requirement_lines(text: str, path: Path, shown: str, seen: set[Path]) -> tuple[list[str], list[str]]:
    requirements: list[str] = []
    options: list[str] = []
    for number, raw in _logical_lines(text):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ", "-r")) and not line.startswith("-r-"):
            included = (path.parent / line.split(None, 1)[-1].removeprefix("-r").strip()).resolve()
            if included in seen:
                continue
            seen.add(included)
            if not included.is_file():
                raise UsageError(f"{shown}: includes {line.split(None, 1)[-1]}, which does not exist.")
            inner = os.path.relpath(included, path.parent)
            more, more_options = _requirement_lines(
                included.read_text(encoding="utf-8"), included, f"{inner} (included by {shown})", seen
            )
            requirements += more
            options += more_options
        elif line.startswith("-"):
            options.append(line)
        else:
            requirements.append(_checked(line, _at(shown, number)))
    return requirements, options


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """pip's lines: one ending in a backslash goes on on the next; each with the number it starts at."""
    found: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if pending is not None:
            number, raw = pending[0], pending[1] + raw
            pending = None
        if raw.endswith("\\"):
            pending = (number, raw[:-1])
            continue
        found.append((number, raw))
    if pending is not None:
        found.append(pending)
    return found


def _names(lines: list[str]) -> tuple[str, ...]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    names = []
    for line in lines:
        try:
            names.append(canonicalize_name(Requirement(line.split(" --", 1)[0]).name))
        except InvalidRequirement:
            continue  # a URL or a path: pip knows what it is, we do not need its name
    return tuple(dict.fromkeys(names))
