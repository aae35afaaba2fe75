"""An environment file read into what a virtual environment can install: a conda environment
YAML (``conda.yaml``, ``environment.yml``) or a pip requirements file.

Conda's own solver is not used: the gate builds a plain virtual environment, so conda package
specs become pip requirements under their PyPI names (``numpy=1.21`` -> ``numpy==1.21.*``), and
what pip cannot install (the interpreter, compilers, CUDA) is left out with the reason. YAML is
read with PyYAML; requirement lines are parsed with ``packaging`` (pytest's own dependency).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..errors import UsageError
from .conda_names import pypi_name, why_left_out

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


def read_env_file(path: Path, shown: str) -> EnvSpec:
    """Read a conda YAML or a requirements file; a file we cannot read is a usage error naming it."""
    text = read_text(path, shown, "environment file", "the environment file does not exist")
    if path.suffix in (".yml", ".yaml"):
        return conda_spec(parse_yaml(text, shown), path, shown)
    lines, options = _requirement_lines(text, path, shown, seen=set())
    return EnvSpec(path, tuple(lines), tuple(options), names=_names(lines))


def conda_spec(data: object, path: Path, shown: str) -> EnvSpec:
    """A conda environment already parsed (a YAML file's, or a v1 inference configuration's inline one)."""
    if not isinstance(data, dict) or not isinstance(data.get("dependencies", []), list):
        raise UsageError(f"{shown}: a conda environment file has a list of dependencies; this one has none.")
    requirements: list[str] = []
    options: list[str] = []
    left_out: list[tuple[str, str]] = []
    python = ""
    for entry in data.get("dependencies") or []:
        if isinstance(entry, dict):
            pip = entry.get("pip")
            if not isinstance(pip, list):
                raise UsageError(f"{shown}: the pip entry of dependencies must be a list of requirements.")
            lines, more = _requirement_lines("\n".join(map(str, pip)), path, shown, seen=set())
            requirements += lines
            options += more
            continue
        name, version = _conda_spec(str(entry))
        if name == "python":
            python = version
            continue
        installs_as = pypi_name(name)
        if installs_as is None:
            if name not in ("pip", "setuptools", "wheel"):
                left_out.append((str(entry), why_left_out(name)))
            continue
        requirements.append(f"{installs_as}{version if version[:1] in '<>=!~' else ''}")
    return EnvSpec(path, tuple(requirements), tuple(options), python, tuple(left_out), _names(requirements))


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
    for raw in text.splitlines():
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
            more, more_options = _requirement_lines(included.read_text(encoding="utf-8"), included, shown, seen)
            requirements += more
            options += more_options
        elif line.startswith("-"):
            options.append(line)
        else:
            requirements.append(line)
    return requirements, options


def _names(lines: list[str]) -> tuple[str, ...]:
    names = []
    for line in lines:
        try:
            names.append(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            continue  # a URL or a path: pip knows what it is, we do not need its name
    return tuple(dict.fromkeys(names))
