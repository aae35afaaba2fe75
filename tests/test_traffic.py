"""Production captures read as the data collector writes them (score_contract.inputs.traffic): the fixture under
examples/regression/traffic/ in the documented record format (payload logging, date folders, a base64 body, a record
without a response, a payload stored apart), and the other shapes a capture takes, each written as a record would be."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from score_contract.core.observations import Body
from score_contract.errors import UsageError
from score_contract.inputs.traffic import read_traffic

CAPTURE = Path(__file__).resolve().parent.parent / "examples" / "regression" / "traffic"
HOUR = "modelDataCollector/churn-endpoint/blue/request/2025/01/15"
FIRST = f"{HOUR}/10/b3a1f2c4-5d6e-4f70-8a9b-0c1d2e3f4a5b.jsonl"
SECOND = f"{HOUR}/11/c4b2e3d5-6e7f-4081-9bac-1d2e3f4a5b6c.jsonl"
BLOB = "3d9e6c1a-7b2f-4e8d-a1c5-9f0b2d4e6a81"
SOURCE = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue"
ROW = {"tenure_months": 14, "monthly_charges": 55.0, "support_calls": 2}


def record(kind: str, correlation: str = "c1", **fields: object) -> dict[str, object]:
    """A record as the data collector writes it (learn.microsoft.com, how-to-collect-production-data)."""
    return {
        "specversion": "1.0",
        "id": f"id-{kind}-{correlation}",
        "source": SOURCE,
        "type": f"azureml.inference.{kind}",
        "datacontenttype": "application/json",
        "time": "2025-01-15T10:02:11Z",
        "correlationid": correlation,
        "xrequestid": correlation,
        **fields,
    }


def write(path: Path, *lines: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def test_every_replayable_record_of_the_capture_is_replayed_with_its_response() -> None:
    traffic = read_traffic(CAPTURE, "traffic", limit=0)
    assert traffic.requests == 5
    assert [r.name for r in traffic.exchanges] == [f"{FIRST}:1", f"{FIRST}:2", f"{FIRST}:3", f"{SECOND}:1"]
    first = traffic.exchanges[0]
    assert json.loads(first.body.data) == {
        "data": [
            {"tenure_months": 3, "monthly_charges": 95.2, "support_calls": 6},
            {"tenure_months": 60, "monthly_charges": 40.0, "support_calls": 0},
        ]
    }
    assert first.body.method == "POST" and first.body.target == "/score"
    assert first.answer is not None and json.loads(first.answer)["predictions"] == [1, 0]
    assert traffic.orphan_responses == 0 and traffic.sampled_out == 0


def test_a_base64_body_is_decoded_and_matched_to_its_response() -> None:
    base64_record = read_traffic(CAPTURE, "traffic", limit=0).exchanges[2]
    assert json.loads(base64_record.body.data) == {"data": [ROW]}
    assert base64_record.answer is not None and json.loads(base64_record.answer)["predictions"] == [1]


def test_a_request_without_a_captured_response_is_replayed_and_named() -> None:
    traffic = read_traffic(CAPTURE, "traffic", limit=0)
    assert traffic.unanswered == (f"{SECOND}:1",)


def test_a_payload_stored_apart_is_named_with_its_url_until_it_is_downloaded(tmp_path: Path) -> None:
    traffic = read_traffic(CAPTURE, "traffic", limit=0)
    assert len(traffic.unreplayable) == 1
    name, why = traffic.unreplayable[0]
    assert name == f"{SECOND}:2"
    assert why.startswith("the payload is stored apart in blob storage (datainblob): download https://") and BLOB in why
    # Downloaded beside the records, as the documentation names it ({instance_id}.jsonl): replayed, not read as records.
    capture = tmp_path / "capture"
    shutil.copytree(CAPTURE, capture)
    big = {"data": [ROW] * 3}
    write(capture / f"{HOUR}/11/{BLOB}.jsonl", big)
    downloaded = read_traffic(capture, "capture", limit=0)
    assert downloaded.unreplayable == () and downloaded.requests == 5
    assert json.loads(downloaded.exchanges[-1].body.data) == big


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (
            {"data": {"data": []}, "contentrange": "bytes 0-1023/5000"},
            "truncated: the collector kept bytes 0-1023 of 5000",
        ),
        ({}, "no payload: the record has neither data nor data_base64"),
        ({"data_base64": "not base64!"}, "data_base64 is not valid base64"),
    ],
)
def test_a_request_that_cannot_be_replayed_is_named_with_the_reason(
    tmp_path: Path, fields: dict[str, object], why: str
) -> None:
    capture = write(
        tmp_path / "request" / "0.jsonl", {**record("request"), **fields}, record("request", "c2", data={"a": 1})
    )
    traffic = read_traffic(tmp_path, "capture", limit=0)
    assert traffic.unreplayable == (("request/0.jsonl:1", why),)
    assert [r.name for r in traffic.exchanges] == ["request/0.jsonl:2"] and capture.is_file()


def test_a_captured_header_binary_body_and_query_string_are_replayed_as_sent(tmp_path: Path) -> None:
    binary = b"\x89PNG\r\n"
    write(
        tmp_path / "r.jsonl",
        record(
            "request",
            datacontenttype="application/octet-stream",
            data_base64=base64.b64encode(binary).decode(),
            path="/score?size=1",
            method="POST",
            headers={"x-customer": "42", "Content-Type": "application/octet-stream"},
        ),
    )
    (replayed,) = read_traffic(tmp_path / "r.jsonl", "r.jsonl", limit=0).exchanges
    assert replayed.body == Body(
        binary, "r.jsonl:1", "application/octet-stream", "POST", "/score?size=1", (("x-customer", "42"),)
    )


def test_plain_bodies_are_sent_byte_for_byte_and_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    write(tmp_path / "bodies.jsonl", '{"data":  [1, 2]}', "[1, 2]", "{not json")
    traffic = read_traffic(tmp_path / "bodies.jsonl", "bodies.jsonl", limit=0)
    assert [r.body.data for r in traffic.exchanges] == [b'{"data":  [1, 2]}', b"[1, 2]"]
    assert traffic.unanswered == ("bodies.jsonl:1", "bodies.jsonl:2")
    assert traffic.unreplayable == (("bodies.jsonl:3", "not JSON: neither a data collector record nor a request body"),)


def test_custom_logging_rows_go_where_a_sample_holds_a_table_and_outputs_are_counted(tmp_path: Path) -> None:
    rows = [ROW, {"tenure_months": 2, "monthly_charges": 20.0, "support_calls": 9}]
    write(
        tmp_path / "model_inputs" / "0.jsonl",
        record("model_inputs", data=rows, collectdatatype="pandas.core.frame.DataFrame"),
    )
    write(tmp_path / "model_outputs" / "0.jsonl", record("model_outputs", data=[{"prediction": 1}]))
    sample = Body.from_json({"data": [{"tenure_months": 1, "monthly_charges": 1.0, "support_calls": 1}], "top": 3})
    traffic = read_traffic(tmp_path, "capture", limit=0, samples=(sample,))
    (replayed,) = traffic.exchanges
    assert json.loads(replayed.body.data) == {"data": rows, "top": 3}
    assert replayed.answer is None and traffic.outputs == 1
    # Without a sample holding a table of those columns, nothing says what the request was.
    alone = read_traffic(tmp_path, "capture", limit=0)
    assert alone.exchanges == ()
    assert (
        "no sample of the script holds a table of its columns (monthly_charges, support_calls, tenure_months)"
        in (alone.unreplayable[0][1])
    )


def test_the_traffic_limit_samples_the_same_requests_every_time_in_their_order(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", *({"data": [i]} for i in range(50)))
    first = read_traffic(tmp_path, "capture", limit=10)
    again = read_traffic(tmp_path, "capture", limit=10)
    assert [r.name for r in first.exchanges] == [r.name for r in again.exchanges]
    numbers = [int(r.name.rsplit(":", 1)[1]) for r in first.exchanges]
    assert len(numbers) == 10 and numbers == sorted(numbers) and numbers != list(range(1, 11))
    assert first.sampled_out == 40 and first.requests == 50 and first.limit == 10


def test_a_folder_with_no_record_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "notes.txt", "hello")
    with pytest.raises(UsageError, match=r"capture: holds no data collector record and no request body"):
        read_traffic(tmp_path, "capture", limit=0)


def test_a_response_that_cannot_be_read_is_named_not_taken_for_a_missing_one(tmp_path: Path) -> None:
    write(
        tmp_path / "r.jsonl",
        record("request", data={"data": [ROW]}),
        record("response", data={"predictions": [1]}, contentrange="bytes 0-9/20"),
    )
    traffic = read_traffic(tmp_path, "capture", limit=0)
    (replayed,) = traffic.exchanges
    assert replayed.answer is None and traffic.unanswered == ()
    assert traffic.unreadable_answers == (("r.jsonl:1", "truncated: the collector kept bytes 0-9 of 20"),)
