"""The ``score-contract`` command: a thin shell over the engine.

* ``score-contract check score.py [...]`` runs the same gate as ``pytest --score``
  (through pytest, so output, JUnit files and exit codes are identical);
* ``score-contract replay score.py --body '...'`` imports the script, runs init()
  and sends one request, and prints what the server would answer; with
  ``--baseline TARGET``, the old version answers too, side by side.
* ``score-contract combine shard-*.json --report score.json`` makes the JSON reports
  of a run's shards (one per CI machine) into the report of the whole run.

Exit codes are pytest's: 0 the contract holds / the answer was 2xx, 1 it does
not, 4 usage error; and a shell's for a command that a signal ended: 130 after
Ctrl-C, 141 when the reader of its output left (``| head``).

PYTEST_DONT_REWRITE (see score_contract/__init__.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from score_contract.config import options
from score_contract.config.settings import resolve
from score_contract.core.observations import Body
from score_contract.errors import UsageError

USAGE_ERROR = 4
#: 128 + SIGINT and 128 + SIGPIPE: what a shell reports for a command those signals ended.
INTERRUPTED = 130
BROKEN_PIPE = 141


#: The per-script options `check` and `replay` share.
_COMMON = (
    options.MODEL_DIR,
    options.APP_ROOT,
    options.TIMEOUT,
    options.INIT_TIMEOUT,
    options.ENV,
    options.SERVER_WORKERS,
)


#: What `replay --baseline` takes of the comparison's options (production's traffic is the gate's alone); the
#: volatile keys too, which the comparison leaves out of both answers as the gate did.
_COMPARED = (
    options.BASELINE,
    options.BASELINE_MODEL_DIR,
    options.TOLERANCE,
    options.ACCEPT_CHANGES,
    options.VOLATILE_KEYS,
)


def _add_common(parser: argparse.ArgumentParser) -> None:
    """The per-script options, with the same help texts as the pytest flags."""
    for option in _COMMON:
        parser.add_argument(_flag(option), dest=option.dest, metavar=option.metavar, help=_help(option))


def _help(option: options.Option) -> str:
    """The pytest flag's help text, naming the flags as this command spells them."""
    return options.spelled(option.help, "cli")


def _flag(option: options.Option) -> str:
    """This command's spelling of an option: the one its hints use too."""
    return options.spelled(option.flag, "cli")


def build_parser() -> argparse.ArgumentParser:
    from score_contract.core.versions import versions

    parser = argparse.ArgumentParser(
        prog="score-contract",
        description="Gate Azure ML scoring scripts before they are deployed.",
        # Not wrapped: --version prints one line, as the pytest report header does.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=versions(),
        help="print the versions of score-contract, the inference server and inference-schema, and exit",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="check the contract of scoring scripts (the same gate as `pytest --score`)",
        description="Check scoring scripts; arguments after -- go to pytest (e.g. -- --junitxml=report.xml).",
    )
    check.add_argument(
        "scripts",
        nargs="+",
        metavar="SCRIPT",
        help="scoring script(s) or deployment spec(s) (deployment YAML) to check",
    )
    # Every option of the pytest front end, from the one table: a hint that names a flag names one `check` takes.
    for option in options.OPTIONS:
        if option is options.SCORE or option in _COMMON:
            continue
        if option.kind == "flag":
            check.add_argument(_flag(option), dest=option.dest, action="store_true", default=None, help=_help(option))
        else:
            check.add_argument(_flag(option), dest=option.dest, metavar=option.metavar, help=_help(option))
    check.add_argument("--seed", help="Hypothesis seed (pytest's --hypothesis-seed)")
    _add_common(check)

    replay = commands.add_parser(
        "replay",
        help="run init() and one request, and print what the server would answer",
        description="Import the script as the server does, run init(), send one request body and print the answer.",
    )
    replay.add_argument("script", metavar="SCRIPT", help="the scoring script, or a deployment spec naming it")
    source = replay.add_mutually_exclusive_group()
    source.add_argument("--body", help="the request body, as sent (e.g. '{\"data\": [[1, 2]]}')")
    source.add_argument(
        "--body-file",
        metavar="FILE",
        help="a file holding the request body, sent byte for byte with a Content-Type from its extension",
    )
    source.add_argument(
        "--request",
        metavar="FILE.http#N",
        help="request N (from 1) of a .http request file: its method, query string, headers and body",
    )
    replay.add_argument(
        "--content-type", metavar="TYPE", help="the request's Content-Type (default: application/json for --body)"
    )
    replay.add_argument(
        "--server", action="store_true", help="through the official server (azmlinfsrv on 127.0.0.1), not in-process"
    )
    replay.add_argument(
        "--batch",
        action="store_true",
        help="a batch scoring script: call run(mini_batch) with the FILEs, as the batch runtime does",
    )
    replay.add_argument("files", nargs="*", metavar="FILE", help="with --batch: the files of the mini-batch")
    for option in (options.BATCH_INPUT, options.BATCH_ARGS):
        replay.add_argument(_flag(option), dest=option.dest, metavar=option.metavar, help=option.help)
    # A comparison failure's reproduce line: the same body to both versions, their answers side by side.
    for option in _COMPARED:
        replay.add_argument(_flag(option), dest=option.dest, metavar=option.metavar, help=_help(option))
    _add_common(replay)

    combine = commands.add_parser(
        "combine",
        help="make the JSON reports of a run's shards (one per CI machine) into the report of the whole run",
        description="Combine the --score-report files of a run's shards into the report of the whole run (its"
        " scripts in the run's order), and its Markdown summary.",
    )
    combine.add_argument("reports", nargs="+", metavar="SHARD.json", help="each shard's --score-report file")
    combine.add_argument("--report", required=True, metavar="FILE.json", help="where the whole run's report goes")
    combine.add_argument("--summary", metavar="FILE.md", help="also write its Markdown summary there")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Everything after "--" goes to pytest untouched (argparse's REMAINDER would
    # swallow options placed between the scripts).
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = build_parser().parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    try:
        try:
            if args.command == "check":
                return _check(args, pytest_args)
            if args.command == "combine":
                return _combine(args)
            _interrupt_once()
            return _replay(args)
        finally:
            # A reader that left must show here, as BrokenPipeError, not in the flush at exit.
            sys.stdout.flush()
    except UsageError as exc:
        print(f"score-contract: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        # `score-contract replay ... | head`: leave quietly, as Unix tools do. Python's own advice
        # (the signal module's "Note on SIGPIPE"): point stdout at devnull, so that the flush at
        # exit cannot fail again, and exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except KeyboardInterrupt:
        # Ctrl-C: replay's own cleanup (its worker, the official server) ran on the way here.
        print("score-contract: interrupted", file=sys.stderr)
        return INTERRUPTED


def _interrupt_once() -> None:
    """The first Ctrl-C raises KeyboardInterrupt; later ones are ignored, so that they cannot cut
    short the cleanup it sets off (stopping the worker, the official server's process group)."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # ignored by whoever started us (a background job): leave it so

    def interrupted(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)


def _check(args: argparse.Namespace, extra: list[str]) -> int:
    import pytest

    pytest_args: list[str] = []
    for script in args.scripts:
        pytest_args += [options.SCORE.flag, script]
    for option in options.OPTIONS:
        value = getattr(args, option.dest, None)
        if value is None or option is options.SCORE:
            continue
        # FLAG=VALUE: a value that begins with a dash (--batch-args="--verbose") is not taken for an option.
        pytest_args += [option.flag] if option.kind == "flag" else [f"{option.flag}={value}"]
    if args.seed is not None:
        pytest_args += ["--hypothesis-seed", args.seed]
    # Only the scripts named here, whatever the project's ini file lists; hints name this CLI's flags.
    pytest_args += [options.FRONT_END_FLAG, "cli"]
    return int(pytest.main([*pytest_args, "-o", f"{options.SCORE.ini}=", *extra]))


def _combine(args: argparse.Namespace) -> int:
    from score_contract.core.files import writable
    from score_contract.reporting import markdown
    from score_contract.reporting.combine import combine, read
    from score_contract.reporting.records import write_json

    report_path = Path(args.report)
    writable(report_path, f"--report {args.report}", "JSON report")
    if args.summary:
        writable(Path(args.summary), f"--summary {args.summary}", "Markdown summary")
    report = combine([(name, read(Path(name))) for name in args.reports])
    write_json(report_path, report)
    if args.summary:
        Path(args.summary).write_text(markdown.render(report), encoding="utf-8")
    print(f"{len(report['scripts'])} script(s) from {len(args.reports)} report(s) written to {report_path}")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from score_contract.online.replay import replay, replay_on_server

    if args.files and not args.batch:
        raise UsageError(f"{args.files[0]}: files of a mini-batch are given with --batch (a batch scoring script).")
    compared = {option.ini.removeprefix("score_"): getattr(args, option.dest) for option in _COMPARED}
    if not args.score_baseline and any(compared.values()):
        raise UsageError(
            "--baseline-model-dir, --tolerance, --accept-changes and --volatile-keys go with --baseline TARGET."
        )
    if args.score_baseline and (args.server or args.batch):
        raise UsageError("--baseline compares two online scripts in the gate's workers: not with --server or --batch.")
    settings = resolve(
        scripts=[args.script],
        model_dir=args.score_model_dir,
        app_root=args.score_app_root,
        timeout=args.score_timeout,
        init_timeout=args.score_init_timeout,
        base=Path.cwd(),
        front_end="cli",
        server=args.server,
        server_workers=args.score_server_workers,
        kind="batch" if args.batch else None,
        batch_input=args.score_batch_input,
        batch_args=args.score_batch_args,
        env=args.score_env,
        **compared,
    )
    if args.score_baseline:
        from score_contract.comparison.replay import replay_compared

        return replay_compared(settings, _request(args), sys.stdout)
    if args.batch:
        from score_contract.batch.replay import replay_batch

        if args.server:
            raise UsageError("--server serves online scripts: the official server does not run batch scripts.")
        missing = next((f for f in args.files if not Path(f).is_file()), None)
        if missing is not None:
            raise UsageError(f"{missing}: no such file.")
        return replay_batch(settings, [Path(f) for f in args.files], sys.stdout)
    return (replay_on_server if args.server else replay)(settings, _request(args), sys.stdout)


def _request(args: argparse.Namespace) -> Body | None:
    """The request --body, --body-file or --request describes (None: only import and init())."""
    from dataclasses import replace

    from score_contract.inputs.http_files import read_requests
    from score_contract.inputs.samples import content_type_of

    body: Body | None = None
    if args.request is not None:
        name, _, number = args.request.partition("#")
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"{name}: no such request file.")
        requests = read_requests(path, name)
        index = int(number) if number.isdigit() else 1
        if not 1 <= index <= len(requests):
            raise UsageError(f"{args.request}: {name} holds {len(requests)} request(s).")
        body = requests[index - 1]
    elif args.body_file is not None:
        path = Path(args.body_file)
        if not path.is_file():
            raise UsageError(f"{args.body_file}: no such body file.")
        body = Body(path.read_bytes(), args.body_file, content_type_of(path))
    elif args.body is not None:
        body = Body(args.body.encode("utf-8"), "--body")
    if body is not None and args.content_type is not None:
        body = replace(body, content_type=args.content_type)
    return body


if __name__ == "__main__":
    sys.exit(main())
