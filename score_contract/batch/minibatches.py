"""The mini-batches a batch script is given, made from the user's sample files.

File inputs: the samples are copied into an input folder of their own (so that a
script writing into its input folder is caught there, not in the user's
repository) and passed as the runtime passes them — absolute paths, in the order
the folder lists them, ``mini_batch_size`` at a time with the last one partial.
Then the files in another order, and each file alone (so that what a mini-batch
of several files returns can be held against the sum of its files' own results).
Then files score-contract makes, of shapes the runtime passes as they come: an
empty file, and for CSV samples a file with a single row and one with only its
header. Those are *made up*: a real input folder may never hold one, and six
correct official batch drivers fail on an empty or header-only CSV, so a failure
found only on them is a warning — unless a sample of the user's has that shape.

Tabular inputs: each CSV or parquet sample read into a DataFrame (what an MLTable's
``read_delimited`` gives for a plain CSV), its first row alone, and DataFrames
generated with Hypothesis from the sample's columns and dtypes: numbers within the
sample's range, other columns from the values the sample holds (made up, as the
edge files are). An empty DataFrame is never passed to run() by the runtime, so it
is never sent.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import runtime
from .observations import MiniBatch

#: Extensions read as tabular samples.
TABULAR = (".csv", ".tsv", ".parquet", ".pqt")
_TEXT_TABLES = (".csv", ".tsv")
#: Sample files also run alone, at most: enough for any sample folder written by hand.
ALONE_LIMIT = 20


@dataclass
class Planned:
    mini_batches: list[MiniBatch] = field(default_factory=list)
    #: Folders the mini-batches' files live in: run() must not write there.
    input_folders: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sample_files(samples: Path | None) -> tuple[list[Path], list[Path]]:
    """The sample files (a folder's top level, or one file) and the sub-folders left out."""
    if samples is None:
        return [], []
    if samples.is_file():
        return [samples], []
    files = sorted(p for p in samples.iterdir() if p.is_file() and not p.name.startswith("."))
    folders = sorted(p for p in samples.iterdir() if p.is_dir())
    return files, folders


def edges_folder(script: Path) -> Path:
    """Where the edge files of a script live: a stable temporary folder, kept after the run,
    so that the reproduce command of a failure on one of them works."""
    import hashlib
    import tempfile

    digest = hashlib.sha256(str(script).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir(), "score-contract-edges", f"{script.stem}-{digest}")


def plan_files(samples: Path | None, size: int, workdir: Path, shown: str, edges: Path) -> Planned:
    planned = Planned()
    files, nested = sample_files(samples)
    if nested:
        names = ", ".join(p.name for p in nested[:5])
        planned.notes.append(
            f"sub-folders of {shown} were left out ({names}): batch endpoints do not read nested folders;"
            " flatten the input folder"
        )
    if not files:
        return planned
    inputs = workdir / "input"
    inputs.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copyfile(file, inputs / file.name)
    planned.input_folders.append(inputs)
    listed, _ = runtime.listed(inputs)  # absolute, in the order the folder lists them
    origin = {str(inputs / f.name): f for f in files}
    total = len(listed)

    def made(paths: list[str], source: str) -> MiniBatch:
        return MiniBatch(files=tuple(paths), source=source, made_from=tuple(str(origin.get(p, p)) for p in paths))

    batches = runtime.file_batches(listed, size)
    start = 0
    for number, batch in enumerate(batches, 1):
        end = start + len(batch)
        partial = number == len(batches) and len(batch) < size and len(batches) > 1
        what = "the last, partial mini-batch" if partial else f"mini-batch {number} of {len(batches)}"
        planned.mini_batches.append(made(batch, f"samples {start + 1}-{end} of {total}: {what}"))
        start = end
    if total > 1:
        planned.mini_batches.append(made(list(reversed(listed))[:size], "the samples in another order"))
        for path in listed[:ALONE_LIMIT]:
            planned.mini_batches.append(made([path], f"{os.path.basename(path)} alone"))
    planned.mini_batches += edge_files(files, edges)
    planned.input_folders.append(edges)
    return planned


def shape(file: Path) -> str:
    """The edge a sample file already is: "empty", "header-only", "one-row" (a CSV), or ""."""
    try:
        if file.stat().st_size == 0:
            return "empty"
        if file.suffix.lower() in _TEXT_TABLES:
            lines = len(file.read_bytes().splitlines())
            return {1: "header-only", 2: "one-row"}.get(lines, "")
    except OSError:
        pass
    return ""


def edge_files(files: list[Path], edges: Path) -> list[MiniBatch]:
    """An empty file, and a CSV sample cut to one row and to its header, in ``edges``; each made up
    unless a sample has its shape already."""
    edges.mkdir(parents=True, exist_ok=True)
    shapes = {shape(file) for file in files}

    def made_up(kind: str, what: str) -> str:
        return "" if kind in shapes else what

    first = files[0]
    empty = edges / f"empty{first.suffix}"
    empty.write_bytes(b"")
    found = [
        MiniBatch(
            files=(str(empty),),
            source=f"an empty {first.suffix or 'file'} file",
            made_up=made_up("empty", f"{empty.name}, an empty file score-contract made"),
        )
    ]
    table = next((f for f in files if f.suffix.lower() in _TEXT_TABLES), None)
    if table is not None:
        lines = table.read_bytes().splitlines(keepends=True)
        if len(lines) >= 2:
            one = edges / f"one-row-{table.name}"
            one.write_bytes(b"".join(lines[:2]))
            header = edges / f"header-only-{table.name}"
            header.write_bytes(lines[0])
            found.append(
                MiniBatch(
                    files=(str(one),),
                    source=f"{table.name} cut to a single row",
                    made_up=made_up("one-row", f"{one.name}, {table.name} cut to one row by score-contract"),
                )
            )
            found.append(
                MiniBatch(
                    files=(str(header),),
                    source=f"{table.name} cut to its header row",
                    made_up=made_up("header-only", f"{header.name}, {table.name} cut to its header by score-contract"),
                )
            )
    return found


def plan_tables(samples: Path | None, examples: int, seed: int | None, shown: str) -> Planned:
    planned = Planned()
    files, _ = sample_files(samples)
    tables = [f for f in files if f.suffix.lower() in TABULAR]
    if not tables:
        return planned
    for file in tables:
        frame = read_table(file)
        if frame.empty:
            planned.notes.append(f"{file.name} holds no rows: the runtime does not call run() for it")
            continue
        planned.mini_batches.append(
            MiniBatch(table=frame, source=f"{file.name} as a DataFrame", made_from=(str(file),))
        )
        if len(frame) > 1:
            one = frame.head(1).reset_index(drop=True)
            planned.mini_batches.append(
                MiniBatch(table=one, source=f"the first row of {file.name}", made_from=(str(file),))
            )
        for number, generated in enumerate(generated_frames(frame, examples, seed), 1):
            planned.mini_batches.append(
                MiniBatch(
                    table=generated,
                    source=f"DataFrame {number} generated from {file.name}'s columns",
                    made_up=f"a DataFrame score-contract generated from {file.name}'s columns",
                )
            )
    return planned


def read_table(file: Path) -> Any:
    import pandas  # type: ignore[import-untyped]

    if file.suffix.lower() in (".parquet", ".pqt"):
        return pandas.read_parquet(file)
    return pandas.read_csv(file, sep="\t" if file.suffix.lower() == ".tsv" else ",")


def generated_frames(sample: Any, count: int, seed: int | None) -> list[Any]:
    """DataFrames with the sample's columns and dtypes, drawn with Hypothesis."""
    if count <= 0:
        return []
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed
    from hypothesis import strategies as st
    from hypothesis.extra.pandas import column, data_frames, range_indexes

    columns = []
    for name in sample.columns:
        values = sample[name].dropna()
        kind = sample[name].dtype.kind
        elements: Any
        if kind in "iu" and len(values):
            elements = st.integers(int(values.min()), int(values.max()))
        elif kind == "f" and len(values):
            elements = st.floats(float(values.min()), float(values.max()), allow_nan=False)
        elif kind == "b":
            elements = st.booleans()
        else:
            elements = st.sampled_from(list(values.unique())) if len(values) else st.just(None)
        columns.append(column(name, elements=elements, dtype=sample[name].dtype if kind in "iufb" else None))
    strategy = data_frames(columns=columns, index=range_indexes(min_size=1, max_size=max(2, 2 * len(sample))))
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(frame: Any) -> None:
        drawn.append(frame)

    (fixed_seed(seed)(draw) if seed is not None else draw)()
    return drawn[:count]
