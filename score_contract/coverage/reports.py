"""coverage.py's own reporters on the scripts' data (--score-cov-report), and the data handed to
pytest-cov when it runs in the same session.

--score-cov-report takes a comma list of ``term``, ``html``, ``xml``, ``json``, ``data``, each with an
optional ``:PATH``. ``data`` is coverage.py's data file of every script measured: the shards of a run on many
CI machines each leave one, and coverage.py's own ``coverage combine`` makes them one (then ``coverage xml``),
with its path remapping when the machines' checkouts differ — nothing of ours is needed for it. The default paths are not coverage.py's (``htmlcov/``, ``coverage.xml``,
``coverage.json``): pytest-cov writes those in the same run (``pytest --cov --score``), and the
gate's report of the scripts alone must not overwrite the project's. ``term`` lists the missing
lines and branches (coverage.py's ``--show-missing``).

pytest-cov (7) combines, when its run ends, every parallel data file beside its own data file
(``.coverage.*``) into the numbers it reports. The gate's workers measure branches; pytest-cov may
not (coverage.py refuses to combine arcs with lines), so the script's data is written again in
pytest-cov's own mode, as a parallel file of its data file, when the script's workers have ended
— before pytest-cov combines at the end of the test loop.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..core.files import writable
from ..errors import UsageError

FORMATS = ("term", "html", "xml", "json", "data")
DEFAULT_PATHS = {
    "html": "htmlcov-score",
    "xml": "coverage-score.xml",
    "json": "coverage-score.json",
    "data": ".coverage-score",
}


@dataclass(frozen=True)
class Handover:
    """Where the script's lines go for pytest-cov to combine (--cov in the same run): its data
    file's name, and whether it measures branches (coverage.py refuses to combine arcs with lines)."""

    data_file: str
    branch: bool


@dataclass(frozen=True)
class Requested:
    """One report asked for: its format, and where it goes (None: the terminal)."""

    format: str
    path: Path | None


def parse(value: str, base: Path, shown: str) -> tuple[Requested, ...]:
    """``term,xml:reports/cov.xml`` → the reports, paths taken from ``base``."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        name, _, path = item.partition(":")
        if name not in FORMATS:
            raise UsageError(
                f"{shown}: {name!r} is not a report; give term, html, xml, json or data, each with :PATH or not."
            )
        if name == "term":
            if path:
                raise UsageError(f"{shown}: term goes to the terminal; it takes no :PATH.")
            found.append(Requested("term", None))
            continue
        target = (base / (path or DEFAULT_PATHS[name])).resolve()
        if name == "html":  # a folder coverage.py fills: its parent must be there and writable
            if not target.parent.is_dir():  # as for --score-report: we do not guess at creating folders
                raise UsageError(f"{shown}: the folder {target.parent} does not exist.")
            if not os.access(target.parent, os.W_OK):
                raise UsageError(f"{shown}: the HTML report cannot be written in {target.parent}.")
        else:
            writable(target, f"{shown} ({name})", f"coverage {name.upper()} report")
        found.append(Requested(name, target))
    return tuple(found)


def write(data_files: Sequence[Path], requested: Sequence[Requested], terminal: IO[str]) -> list[str]:
    """Each report asked for, over the data of every script measured; the lines saying where they went."""
    import coverage

    written = []
    with tempfile.TemporaryDirectory(prefix="score-contract-cov-") as tmp:
        cov = coverage.Coverage(data_file=os.path.join(tmp, ".coverage"), branch=True, config_file=False)
        cov.combine([str(p) for p in data_files], keep=True)
        cov.load()
        for report in requested:
            if report.format == "term":
                cov.report(file=terminal, show_missing=True)
            elif report.format == "html":
                cov.html_report(directory=str(report.path))
                written.append(f"coverage HTML written to {report.path}{os.sep}index.html")
            elif report.format == "data":
                import shutil

                cov.save()
                shutil.copyfile(os.path.join(tmp, ".coverage"), str(report.path))
                written.append(f"coverage data written to {report.path} (coverage combine joins shards' files)")
            elif report.format == "xml":
                cov.xml_report(outfile=str(report.path))
                written.append(f"coverage XML written to {report.path}")
            else:
                cov.json_report(outfile=str(report.path))
                written.append(f"coverage JSON written to {report.path}")
    return written


def hand_over(data_file: Path, handover: Handover) -> None:
    """Write the script's data as a parallel file of pytest-cov's data file, in its mode."""
    from coverage import CoverageData

    ours = CoverageData(basename=str(data_file))
    ours.read()
    theirs = CoverageData(basename=handover.data_file, suffix=f"score-contract.{os.getpid()}.{os.urandom(3).hex()}")
    if handover.branch:
        theirs.add_arcs({f: ours.arcs(f) or [] for f in ours.measured_files()})
    else:
        theirs.add_lines({f: ours.lines(f) or [] for f in ours.measured_files()})
    theirs.write()
