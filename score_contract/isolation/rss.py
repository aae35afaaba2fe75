"""The worker's resident memory, measured inside the worker after init() and after
each call of run().

Stdlib only (``resource`` and ``/proc/self/status``), not psutil: the worker may run
in the deployment's own interpreter, which has only the script's packages.

Read once per call: one read of /proc/self/status gives both VmRSS and VmHWM, and
/proc/self/clear_refs stays open for the worker's life (the kernel's handler reads
only what is written, not the file position), so a call costs one read and one write
here rather than three opens.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import sys
from typing import TypeVar

T = TypeVar("T")

_KB = 1024.0
_STATUS = "/proc/self/status"
#: /proc/self/clear_refs, opened at the first reset (None: not tried yet; -1: not possible here).
_clear_refs: int | None = None


def _status() -> tuple[float, float]:
    """VmRSS and VmHWM from /proc/self/status in MB ((0.0, 0.0) where /proc is not there)."""
    rss = hwm = 0.0
    try:
        with open(_STATUS, "rb") as status:
            text = status.read()
    except OSError:
        return rss, hwm
    for line in text.splitlines():
        if line.startswith(b"VmHWM:"):
            hwm = int(line.split()[1]) / _KB
        elif line.startswith(b"VmRSS:"):
            rss = int(line.split()[1]) / _KB
            break  # VmRSS follows VmHWM
    return rss, hwm


def current_mb() -> float:
    """VmRSS now."""
    return _status()[0]


def _peak(rss: float, hwm: float) -> float:
    """The highest RSS the process ever had: VmHWM, which the kernel keeps current (ru_maxrss may
    lag behind VmRSS by a few pages); ru_maxrss where there is no /proc (bytes on macOS)."""
    if hwm:
        return max(hwm, rss)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (_KB * _KB) if sys.platform == "darwin" else maxrss / _KB


def peak_mb() -> float:
    return _peak(*_status())


def reset_peak() -> bool:
    """Start a new high-water mark at the current RSS (Linux ≥ 4.0: "5" to /proc/self/clear_refs), so
    that the peak read after a call is that call's own; False where the kernel does not let us, and
    the peak is then the highest since the process started."""
    global _clear_refs
    if _clear_refs is None:
        try:
            _clear_refs = os.open("/proc/self/clear_refs", os.O_WRONLY | os.O_CLOEXEC)
        except OSError:
            _clear_refs = -1
    if _clear_refs < 0:
        return False
    try:
        os.write(_clear_refs, b"5")
    except OSError:
        return False
    return True


def measured(result: T, own_peak: bool = False, **more: object) -> T:
    """``result`` (an InitResult or a Call) with the memory of this moment, and ``more`` fields set in the same
    copy; ``own_peak``: the peak mark was reset right before the call (see reset_peak)."""
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return result
    rss, hwm = _status()
    if own_peak:
        more["own_peak"] = True
    return dataclasses.replace(result, rss_mb=round(rss, 2), peak_rss_mb=round(_peak(rss, hwm), 2), **more)
