"""Sample bodies: .json is one body, .jsonl one a line, a folder holds both."""

from __future__ import annotations

from pathlib import Path

import pytest

from score_contract.errors import UsageError
from score_contract.inputs.samples import load_samples


def test_a_json_file_is_one_body_sent_as_canonical_json(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{\n  "data": [1,2]\n}\n')
    (body,) = load_samples(tmp_path / "a.json", relative_to=tmp_path)
    assert body.data == b'{"data": [1, 2]}'
    assert body.source == "a.json"


def test_a_jsonl_file_is_one_body_a_line_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"a": 1}\n\n[2]\n"text"\n')
    bodies = load_samples(tmp_path / "b.jsonl", relative_to=tmp_path)
    assert [(b.text, b.source) for b in bodies] == [
        ('{"a": 1}', "b.jsonl:1"),
        ("[2]", "b.jsonl:3"),
        ('"text"', "b.jsonl:4"),
    ]


def test_a_folder_reads_its_json_and_jsonl_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("2")
    (tmp_path / "a.jsonl").write_text("1\n")
    (tmp_path / "README.md").write_text("not a sample")
    assert [b.text for b in load_samples(tmp_path)] == ["1", "2"]


def test_non_ascii_text_survives(tmp_path: Path) -> None:
    (tmp_path / "u.json").write_text('{"name": "Zoë 東京"}', encoding="utf-8")
    (body,) = load_samples(tmp_path / "u.json")
    assert body.data == b'{"name": "Zo\\u00eb \\u6771\\u4eac"}'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.jsonl", '{"a": 1}\n{"a": }\n', "bad.jsonl: line 2 is not valid JSON (Expecting value, column 7)."),
        (
            "bad.json",
            '{\n  "a": 1,\n  "b" 2\n}',
            "bad.json: line 3 is not valid JSON (Expecting ':' delimiter, column 7).",
        ),
        ("empty.json", "  \n", "empty.json: the file is empty; a .json sample holds one request body."),
        ("empty.jsonl", "\n\n", "empty.jsonl: the file has no lines; a .jsonl sample holds one request body a line."),
        (
            "nan.jsonl",
            '{"a": 1}\n{"a": Infinity}\n',
            "nan.jsonl: line 2 is not valid JSON (Infinity is not valid JSON).",
        ),
        (
            "get.http",
            "GET /health\n",
            "get.http: line 1: /health is not /score, the one route a scoring script answers.",
        ),
        (
            "nothing.http",
            "# only a comment\n",
            "nothing.http: no request in the file; a .http sample holds one or more, e.g. POST /score.",
        ),
        (
            "header.http",
            "POST /score\nnot a header\n",
            "header.http: line 2 is not a header (Name: value): 'not a header'.",
        ),
        (
            "include.http",
            "POST /score\nContent-Type: image/png\n\n< ./missing.png\n",
            "include.http: line 4 includes ./missing.png, which does not exist.",
        ),
        (
            "variable.http",
            "POST /score\nX-Key: {{key}}\n",
            "variable.http: line 2: {{key}} is not defined (define it with a line @key = value).",
        ),
    ],
)
def test_a_bad_samples_file_is_a_usage_error_naming_file_and_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(UsageError) as raised:
        load_samples(tmp_path / name, relative_to=tmp_path)
    assert str(raised.value) == message


def test_a_folder_without_samples_and_a_binary_file_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the samples folder has no sample files"):
        load_samples(tmp_path, relative_to=tmp_path)
    (tmp_path / "x.json").write_bytes(b'{"a": "\xff"}')
    with pytest.raises(UsageError, match=r"x.json: not UTF-8 text \(byte 7\)"):
        load_samples(tmp_path / "x.json", relative_to=tmp_path)


def test_any_other_file_is_one_body_sent_byte_for_byte_with_a_type_from_its_extension(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    (tmp_path / "cat.png").write_bytes(png)
    (tmp_path / "rows.csv").write_text("a,b\n1,2\n")
    (tmp_path / "README.md").write_text("how these samples were made")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    bodies = load_samples(tmp_path, relative_to=tmp_path)
    assert [(b.source, b.content_type, b.data) for b in bodies] == [
        ("cat.png", "image/png", png),
        ("rows.csv", "text/csv", b"a,b\n1,2\n"),
    ]


def test_a_http_file_holds_whole_requests(tmp_path: Path) -> None:
    (tmp_path / "cat.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / "requests.http").write_text(
        "# what a client sends\n"
        "@boundary = XX\n"
        "POST http://localhost:5001/score?threshold=0.5 HTTP/1.1\n"
        "Content-Type: multipart/form-data; boundary={{boundary}}\n"
        "X-Api-Key: secret\n"
        "\n"
        "--{{boundary}}\n"
        'Content-Disposition: form-data; name="file"; filename="cat.png"\n'
        "Content-Type: image/png\n"
        "\n"
        "< ./cat.png\n"
        "--{{boundary}}--\n"
        "\n"
        "### a GET\n"
        "GET /score?a=1\n"
        "\n"
        "###\n"
        "/score\n"
    )
    upload, get, bare = load_samples(tmp_path / "requests.http", relative_to=tmp_path)
    assert upload.source == "requests.http#1"
    assert (upload.method, upload.target, upload.headers) == (
        "POST",
        "/score?threshold=0.5",
        (("X-Api-Key", "secret"),),
    )
    assert upload.content_type == "multipart/form-data; boundary=XX"
    assert upload.data == (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="cat.png"\r\nContent-Type: image/png\r\n'
        b"\r\n\x89PNG\x00\r\n--XX--\r\n"
    )
    assert (get.source, get.method, get.target, get.data, get.content_type) == (
        "requests.http#2",
        "GET",
        "/score?a=1",
        b"",
        "",
    )
    assert (bare.method, bare.target) == ("GET", "/score")
