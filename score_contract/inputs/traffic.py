"""Production traffic as request bodies, and what production answered to them (``--score-traffic``).

Azure ML's data collector writes what an online deployment received and answered to blob storage, one JSON record a
line, under ``{endpoint}/{deployment}/{collection}/{yyyy}/{MM}/{dd}/{HH}/{instance_id}.jsonl`` ("Collect production
data from models deployed for real-time inferencing", learn.microsoft.com/azure/machine-learning/
how-to-collect-production-data, section "Store collected data in Blob Storage"). The records are CloudEvents 1.0 in
their JSON format (``specversion``, ``id``, ``source``, ``type``, ``datacontenttype``, ``time``, ``data``):

- **payload logging** (collections ``request`` and ``response``, enabled in the deployment's ``data_collector``):
  ``type`` is ``azureml.inference.request`` / ``azureml.inference.response``; a request also holds ``path``
  (``/score?size=1``) and ``method``; both hold ``contentrange`` (``bytes 0-38/39``) and ``correlationid`` /
  ``xrequestid``, by which a response is matched to its request. A JSON payload is the ``data`` value itself;
  CloudEvents' JSON format puts a binary one in ``data_base64``, base64-encoded (CloudEvents JSON Event Format 1.0,
  section 3.1). A payload over 4 MB, and binary data, are stored apart: ``data`` is then the blob's URL and
  ``datainblob`` is ``"true"`` (sections "Store large payloads", "Store binary data"): replayed when that file was
  downloaded beside the records (found by its name, the last part of the URL; a large payload's file is itself named
  ``{instance_id}.jsonl``, so a file a record points to is read as that payload, never as records), else named as
  not replayable. A
  ``contentrange`` that ends before the total (``bytes 0-1023/5000``) is a truncated payload. No record holds the
  HTTP status. Captured headers (``request_logging.capture_headers``) are not shown in the documentation's records; a
  ``headers`` mapping, when a record has one, is sent along.
- **custom logging** (``azureml-ai-monitoring``'s ``Collector(name="model_inputs").collect(df)``, read in version
  1.0.0: ``MdcSender`` posts ``df.to_json(orient="records")`` with CloudEvents headers ``ce-type:
  azureml.inference.<collection>``, ``ce-x-request-id``, ``ce-collect-data-type``, ``ce-agent``, which the
  record shows as ``correlationid``, ``collectdatatype`` and ``agent``, beside ``modelversion``): ``data`` is the
  DataFrame's rows, which is what ``run()`` logged, not the request body, and requests close together are batched
  into one record (section "Data collector batching"). Rows of an inputs collection are replayed in the place a sample of the script holds a table of the
  same columns (a list of row objects, or an object of column lists), else named as not replayable; an outputs
  collection is counted, never compared (it is the DataFrame ``run()`` logged, not what the client received).

A line that is not such a record is a plain request body (a ``.jsonl`` of bodies, as ``samples/`` takes). Nothing is
dropped silently: every record that cannot be replayed is named with the reason, every request whose response was not
captured is counted. A capture larger than ``--score-traffic-limit`` is sampled deterministically: the requests whose
hash of name and body is smallest, so the same capture gives the same sample.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..core.observations import Body
from ..errors import UsageError

_TYPE_PREFIX = "azureml.inference."
_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class Recorded:
    """One production request that can be replayed, and production's answer when it was captured."""

    name: str
    body: Body
    #: The response body production sent (None: not captured), and its content type.
    answer: bytes | None = None
    answer_type: str = "application/json"
    #: Why the captured response cannot be compared (truncated, stored apart and not downloaded), or "".
    answer_problem: str = ""


@dataclass(frozen=True)
class Traffic:
    """What a production capture holds, as replayed."""

    origin: str
    exchanges: tuple[Recorded, ...] = ()
    #: Requests read in all (replayable or not).
    requests: int = 0
    #: (record, why it cannot be replayed).
    unreplayable: tuple[tuple[str, str], ...] = ()
    #: Replayable requests the limit left out.
    sampled_out: int = 0
    limit: int = 0
    #: Records of a custom outputs collection (never compared), and responses no request claimed.
    outputs: int = 0
    orphan_responses: int = 0

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The replayed requests whose response was not captured."""
        return tuple(r.name for r in self.exchanges if r.answer is None and not r.answer_problem)

    @property
    def unreadable_answers(self) -> tuple[tuple[str, str], ...]:
        """(replayed request, why its captured response cannot be compared)."""
        return tuple((r.name, r.answer_problem) for r in self.exchanges if r.answer_problem)


def read_traffic(path: Path, shown: str, limit: int, samples: tuple[Body, ...] = ()) -> Traffic:
    """Every record under ``path`` (a file, or a folder searched for ``.jsonl`` files); ``samples``: the script's,
    which show where custom logging's rows go in a request body."""
    root = path if path.is_dir() else path.parent
    read = [(file, _records(file)) for file in ([path] if path.is_file() else _capture_files(path))]
    payloads = {_blob_name(r) for _, records in read for _, r, _ in records if isinstance(r, dict) and _in_blob(r)}
    # Every file beside the records, by name and by name without its extension (a download may add one).
    beside = sorted(p for p in root.rglob("*") if p.is_file()) if payloads else []
    stored = {**{p.stem: p for p in reversed(beside)}, **{p.name: p for p in reversed(beside)}}
    requests: list[tuple[str, dict[str, Any] | bytes]] = []
    responses: dict[str, list[dict[str, Any]]] = {}
    unreplayable: list[tuple[str, str]] = []
    outputs = 0
    for file, records in read:
        if (file.name in payloads or file.stem in payloads) and path.is_dir():
            continue  # a large payload a record points to, not records
        shown_file = file.name if path.is_file() else file.relative_to(path).as_posix()
        for number, record, line in records:
            name = f"{shown_file}:{number}"
            if record is _NOT_JSON:
                unreplayable.append((name, "not JSON: neither a data collector record nor a request body"))
                continue
            kind = _collection(record)
            if kind is None or not isinstance(record, dict):
                requests.append((name, line))  # a plain body, sent byte for byte
            elif kind == "response":
                responses.setdefault(_correlation(record), []).append(record)
            elif kind == "outputs":
                outputs += 1
            else:
                requests.append((name, record))
    if not requests and not responses and not outputs and not unreplayable:
        raise UsageError(
            f"{shown}: holds no data collector record and no request body (.jsonl files: one JSON record or body a line)."
        )
    template = _table_template(samples)
    exchanges: list[Recorded] = []
    for name, record in requests:
        if isinstance(record, bytes):
            exchanges.append(Recorded(name, Body(record, name)))
            continue
        body, problem = _request(record, name, stored, template)
        if body is None:
            unreplayable.append((name, problem))
            continue
        # A response is matched by its correlation id; without one, nothing says which request it answered.
        answered = responses.get(_correlation(record), []) if _correlation(record) else []
        response = answered.pop(0) if answered and _collection(record) == "request" else None
        answer, answer_type, unread = (None, "", "") if response is None else _payload(response, stored)
        exchanges.append(Recorded(name, body, answer, answer_type or "application/json", unread))
    kept = _sample(exchanges, limit)
    return Traffic(
        shown,
        tuple(kept),
        len(requests),
        tuple(unreplayable),
        len(exchanges) - len(kept),
        limit,
        outputs,
        sum(len(left) for left in responses.values()),
    )


def _capture_files(folder: Path) -> list[Path]:
    """The ``.jsonl`` files of a capture, in its date folders, in the order they were written."""
    return sorted(p for p in folder.rglob("*.jsonl") if p.is_file() and not p.name.startswith("."))


_NOT_JSON = object()


def _records(file: Path) -> list[tuple[int, object, bytes]]:
    """A file's lines that are not blank: (number, its JSON value or _NOT_JSON, the line)."""
    found: list[tuple[int, object, bytes]] = []
    for number, line in enumerate(file.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            value = _NOT_JSON
        found.append((number, value, line.strip()))
    return found


def _in_blob(record: dict[str, Any]) -> bool:
    return str(record.get("datainblob", "")).lower() == "true"


def _blob_name(record: dict[str, Any]) -> str:
    """The name of the file a record's payload was stored apart in: the last part of its URL."""
    url = str(record.get("data", "")).split("?")[0].rstrip("/")
    return unquote(url.rsplit("/", 1)[-1])


def _collection(record: object) -> str | None:
    """ "request", "response", "inputs" or "outputs" for a data collector record; None for a plain body."""
    if not isinstance(record, dict) or "specversion" not in record:
        return None
    kind = str(record.get("type", ""))
    if not kind.startswith(_TYPE_PREFIX):
        return None
    name = kind.removeprefix(_TYPE_PREFIX)
    if name in ("request", "response"):
        return name
    # Custom collections are named by the script (model_inputs / model_outputs, as the documentation advises).
    return "outputs" if "output" in name or "prediction" in name else "inputs"


def _correlation(record: dict[str, Any]) -> str:
    return str(record.get("correlationid") or record.get("xrequestid") or "")


def _request(
    record: dict[str, Any], name: str, stored: dict[str, Path], template: _Template | None
) -> tuple[Body | None, str]:
    """The request a record holds, or why it cannot be replayed."""
    if _collection(record) == "inputs":
        return _from_rows(record, name, template)
    data, content_type, problem = _payload(record, stored)
    if data is None:
        return None, problem
    headers = record.get("headers")
    extra = tuple(
        (str(k), str(v))
        for k, v in (headers.items() if isinstance(headers, dict) else ())
        if k.lower() != "content-type"
    )
    method = str(record.get("method") or "POST").upper()
    target = str(record.get("path") or "/score")
    return Body(data, name, content_type, method, target if target.startswith("/") else "/score", extra), ""


def _payload(record: dict[str, Any], stored: dict[str, Path]) -> tuple[bytes | None, str, str]:
    """A record's payload: (bytes, content type, "") or (None, "", why not)."""
    content_type = str(record.get("datacontenttype") or "application/json")
    truncated = _truncated(str(record.get("contentrange", "")))
    if truncated:
        return None, "", f"truncated: the collector kept {truncated}"
    if _in_blob(record):
        found = stored.get(_blob_name(record)) if _blob_name(record) else None
        if found is None:
            url = record.get("data", "")
            return (
                None,
                "",
                f"the payload is stored apart in blob storage (datainblob): download {url} beside the records",
            )
        return found.read_bytes(), content_type, ""
    if "data_base64" in record:
        try:
            return base64.b64decode(str(record["data_base64"]), validate=True), content_type, ""
        except (binascii.Error, ValueError):
            return None, "", "data_base64 is not valid base64"
    if "data" not in record:
        return None, "", "no payload: the record has neither data nor data_base64"
    data = record["data"]
    if isinstance(data, str) and not _is_json(content_type):
        return data.encode("utf-8"), content_type, ""
    # CloudEvents' JSON format: with a JSON content type, data is the payload's JSON value itself.
    return json.dumps(data).encode("utf-8"), content_type, ""


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def _truncated(content_range: str) -> str:
    """ "bytes 0-1023 of 5000" when the payload was cut, else ""."""
    found = _RANGE.fullmatch(content_range.strip())
    if found is None or found.group(3) == "*":
        return ""
    first, last, total = int(found.group(1)), int(found.group(2)), int(found.group(3))
    return f"bytes {first}-{last} of {total}" if first > 0 or last + 1 < total else ""


@dataclass(frozen=True)
class _Template:
    """A sample holding a table: where it is, its columns, and how it is laid out."""

    sample: Any
    where: tuple[str | int, ...]
    columns: frozenset[str]
    orient: str  # "records" or "columns"


def _table_template(samples: tuple[Body, ...]) -> _Template | None:
    """The first JSON sample that holds exactly one table (a list of row objects, or an object of column lists)."""
    for body in samples:
        try:
            value = json.loads(body.data)
        except (ValueError, RecursionError):
            continue
        found = list(_tables(value, ()))
        if len(found) == 1:
            where, columns, orient = found[0]
            return _Template(value, where, columns, orient)
    return None


def _tables(value: Any, where: tuple[str | int, ...]) -> Any:
    if isinstance(value, list) and value and all(isinstance(row, dict) and row for row in value):
        keys = {frozenset(row) for row in value}
        if len(keys) == 1:
            yield where, next(iter(keys)), "records"
            return
    if isinstance(value, dict):
        if value and all(isinstance(column, list) for column in value.values()) and len(value) > 1:
            yield where, frozenset(value), "columns"
            return
        for key, item in value.items():
            yield from _tables(item, (*where, key))


def _from_rows(record: dict[str, Any], name: str, template: _Template | None) -> tuple[Body | None, str]:
    """A custom logging record's rows, in the place a sample of the script holds a table of the same columns."""
    rows = record.get("data")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows) or not rows:
        return None, "custom logging: the record holds no rows of a DataFrame (compact format, or data stored apart)"
    columns = frozenset(rows[0])
    if template is None or template.columns != columns:
        return None, (
            "custom logging logs the DataFrame run() made, not the request: no sample of the script holds a table of"
            f" its columns ({', '.join(sorted(columns))}) to put its rows in"
        )
    table: Any = rows if template.orient == "records" else {c: [row.get(c) for row in rows] for c in sorted(columns)}
    value = _placed(template.sample, template.where, table)
    return Body(json.dumps(value).encode("utf-8"), name), ""


def _placed(value: Any, where: tuple[str | int, ...], table: Any) -> Any:
    if not where:
        return table
    head, *rest = where
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _placed(value[head], tuple(rest), table)  # type: ignore[index]
    return copy


def _sample(exchanges: list[Recorded], limit: int) -> list[Recorded]:
    """At most ``limit`` of them (0: all), the same ones every time, in the order they were recorded."""
    if not limit or len(exchanges) <= limit:
        return exchanges
    digest = {id(r): hashlib.sha256(r.name.encode() + b"\0" + r.body.data).hexdigest() for r in exchanges}
    chosen = {id(r) for r in sorted(exchanges, key=lambda r: digest[id(r)])[:limit]}
    return [r for r in exchanges if id(r) in chosen]
