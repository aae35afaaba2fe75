"""Reading the official server's log for its workers' story, on lines as gunicorn
27 and azureml-inference-server-http 1.5 write them."""

from __future__ import annotations

from score_contract.official.boot_log import RESPAWNS_PER_WORKER, BootLog


def booting(pid: int) -> bytes:
    return b"2026-12-02 18:43:00,530 I [%d] gunicorn.error - Booting worker with pid: %d\n" % (pid, pid)


def ready(pid: int) -> bytes:
    return b"2026-12-02 18:43:02,214 I [%d] azmlinfsrv - Worker with pid %d ready for serving traffic\n" % (pid, pid)


def segfault(pid: int) -> bytes:
    return b"2026-12-02 18:43:20,162 W [1] gunicorn.error - Worker (pid:%d) was sent SIGSEGV!\n" % pid


def test_three_healthy_workers_are_three_boots_and_no_respawn_loop() -> None:
    log = BootLog(workers=3)
    log.feed(booting(11) + booting(12) + booting(13))
    assert log.boots == 3 and not log.respawn_loop() and not log.all_ready()
    log.feed(ready(11) + ready(12))
    assert not log.all_ready() and log.not_ready() == "2 of 3 workers ready"
    log.feed(ready(13))
    assert log.all_ready()


def test_a_worker_that_failed_its_init_while_another_serves_is_not_a_ready_server() -> None:
    log = BootLog(workers=2)
    log.feed(booting(11) + booting(12) + ready(11))
    log.feed(b"2026-12-02 18:43:14,200 E [1] gunicorn.error - Worker (pid:12) exited with code 3.\n")
    log.feed(b"2026-12-02 18:43:14,602 E [1] gunicorn.error - Reason: Worker failed to boot.\n")
    assert not log.all_ready()
    assert log.died_booting() == [12] and log.died[12] == "exited with code 3"
    assert log.halted == "Worker failed to boot"


def test_a_respawn_loop_is_counted_per_worker_asked_for() -> None:
    one = BootLog(workers=1)
    one.feed(booting(11) + segfault(11) + booting(12) + segfault(12))
    assert (
        one.respawn_loop()
        == "a respawn loop: gunicorn replaced 2 workers that died while booting (the last was sent SIGSEGV)"
    )
    two = BootLog(workers=2)
    two.feed(booting(11) + booting(12) + segfault(11) + booting(13) + segfault(13) + booting(14))
    assert two.died_booting() == [11, 13] and not two.respawn_loop()
    two.feed(segfault(12) + segfault(14))
    assert len(two.died_booting()) == RESPAWNS_PER_WORKER * 2 and two.respawn_loop()


def test_a_worker_that_dies_after_it_served_is_no_boot_failure() -> None:
    log = BootLog(workers=1)
    log.feed(booting(11) + ready(11) + segfault(11) + booting(12) + ready(12))
    assert log.died_booting() == [] and log.all_ready() and log.boots == 2


def test_a_line_still_being_written_is_read_once_it_is_complete() -> None:
    log = BootLog(workers=1)
    line = booting(11)
    log.feed(line[:30])
    assert log.boots == 0
    log.feed(line[30:])
    assert log.boots == 1


def test_the_worker_that_failed_is_the_cause_not_those_the_master_stopped() -> None:
    log = BootLog(workers=3)
    log.feed(booting(11) + booting(12) + booting(13) + ready(11))
    log.feed(b"2026-12-02 18:43:14,200 W [1] gunicorn.error - Worker (pid:13) was sent SIGTERM!\n")
    log.feed(b"2026-12-02 18:43:14,201 E [1] gunicorn.error - Worker (pid:12) exited with code 3.\n")
    assert log.cause() == 12
