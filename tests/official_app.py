"""Answer request bodies with the official server's Flask app, in a subprocess of its own.

The ground truth for tests/test_parity.py. ``answer(script, bodies)`` starts one
fresh interpreter per script (the server's config is a module-level singleton
read at import, and the inference-schema registry and the ``@rawhttp`` flag are
process-global, so two scripts cannot share a process), sets the environment and
working folder *before* importing ``azureml_inference_server_http.server``, builds
the app with ``create_app.create()`` and POSTs every body to ``/score`` through
Flask's test client. What the app answered travels back as JSON.

Run as a script, this file is that subprocess:
``python official_app.py SCRIPT OUT.json < bodies.json``.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # this file is also the subprocess's script: import nothing of ours there
    from score_contract.core.observations import Body

TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Answer:
    """What the official app did with one body."""

    status: int = 0
    #: In the order the app sent them, repeated names included.
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    #: An exception that escaped the test client (e.g. ``SystemExit: 0`` from run()).
    escaped: str = ""


@dataclass(frozen=True)
class Boot:
    """The official app's answers for one script, or why it did not start."""

    answers: tuple[Answer, ...]
    #: ``create()`` raised SystemExit with this code (init() failed, bad run() ...).
    exit_code: int | None
    #: What the server logged: shown when a comparison fails.
    log: str


def answer(script: Path, bodies: Sequence[Body], env: dict[str, str]) -> Boot:
    """Send each request to the official app serving ``script`` (its method, target,
    headers, Content-Type and data).

    ``env`` must hold AZUREML_ENTRY_SCRIPT (absolute) and AML_APP_ROOT; the
    subprocess runs in ``script``'s folder. An empty content type sends none.
    """
    return finish(start(script, bodies, env))


@dataclass
class Pending:
    process: subprocess.Popen[bytes]
    out: Path
    count: int


def start(script: Path, bodies: Sequence[Body], env: dict[str, str]) -> Pending:
    """Like :func:`answer`, without waiting: the subprocess starts at once."""
    handle, name = tempfile.mkstemp(prefix="official-app-", suffix=".json")
    os.close(handle)
    process = subprocess.Popen(
        [sys.executable, __file__, str(script), name],
        cwd=script.parent,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdin is not None
    request = [
        {
            "data": base64.b64encode(b.data).decode("ascii"),
            "content_type": b.content_type,
            "method": b.method,
            "target": b.target,
            "headers": list(b.headers),
        }
        for b in bodies
    ]
    process.stdin.write(json.dumps(request).encode("utf-8"))
    process.stdin.close()
    return Pending(process, Path(name), len(bodies))


def finish(pending: Pending) -> Boot:
    """Wait for the subprocess of :func:`start` and read what it wrote."""
    try:
        assert pending.process.stdout is not None
        log = pending.process.stdout.read().decode("utf-8", "replace")
        code = pending.process.wait(timeout=TIMEOUT_SECONDS)
        text = pending.out.read_text()
    finally:
        pending.out.unlink(missing_ok=True)
    if not text:
        raise RuntimeError(f"the official app's subprocess wrote nothing (rc={code}):\n{log}")
    result = json.loads(text)
    answers = tuple(
        Answer(
            status=a.get("status", 0),
            headers=tuple((k, v) for k, v in a.get("headers", ())),
            body=base64.b64decode(a.get("body", "")),
            escaped=a.get("escaped", ""),
        )
        for a in result["answers"]
    )
    return Boot(answers, result.get("exit_code"), log)


def _serve(script: str, out: str) -> None:
    """The subprocess: boot the app the way the server's worker does, then answer."""
    requests = json.load(sys.stdin)
    # As in the azmlinfsrv console script (and score-contract's worker): its
    # folder is sys.path[0], not this file's folder.
    sys.path[0] = os.path.dirname(sys.executable)
    assert os.environ["AZUREML_ENTRY_SCRIPT"] == script, "the environment must be set before the import below"

    from azureml_inference_server_http.server import create_app

    result: dict[str, object] = {"answers": []}
    try:
        client = create_app.create().test_client()
    except SystemExit as exc:  # aml_blueprint.setup(): sys.exit(3) when loading or init() fails
        result["exit_code"] = exc.code
        Path(out).write_text(json.dumps(result))
        return
    answers: list[dict[str, object]] = []
    for request in requests:
        data = base64.b64decode(request["data"])
        headers = [(name, value) for name, value in request["headers"]]
        if request["content_type"]:
            headers.append(("Content-Type", request["content_type"]))
        # content_length: the test client leaves it out for an empty body;
        # requests and curl send `Content-Length: 0` on a POST (not on a bodiless GET).
        length = len(data) if data or request["method"] not in ("GET", "HEAD", "OPTIONS") else None
        try:
            response = client.open(
                request["target"], method=request["method"], data=data, headers=headers, content_length=length
            )
        except BaseException as exc:  # SystemExit / KeyboardInterrupt from run() leave the test client
            answers.append({"escaped": f"{type(exc).__name__}: {exc}"})
            continue
        answers.append(
            {
                "status": response.status_code,
                "headers": response.headers.to_wsgi_list(),
                "body": base64.b64encode(response.get_data()).decode("ascii"),
            }
        )
    result["answers"] = answers
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
