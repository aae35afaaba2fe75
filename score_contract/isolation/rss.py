"""The worker's resident memory, measured inside the worker after init() and after
each call of run().

Stdlib only (``resource`` and ``/proc/self/status``), not psutil: the worker may run
in the deployment's own interpreter, which has only the script's packages.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
from typing import TypeVar

T = TypeVar("T")

_KB = 1024.0


def _status(field: str) -> float:
    """A field of /proc/self/status in MB (0.0 where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / _KB
    except OSError:
        pass
    return 0.0


def current_mb() -> float:
    """VmRSS now."""
    return _status("VmRSS")


def peak_mb() -> float:
    """The highest RSS the process ever had: VmHWM, which the kernel keeps current (ru_maxrss may
    lag behind VmRSS by a few pages); ru_maxrss where there is no /proc (bytes on macOS)."""
    peak = _status("VmHWM")
    if peak:
        return max(peak, current_mb())
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (_KB * _KB) if sys.platform == "darwin" else maxrss / _KB


def reset_peak() -> bool:
    """Start a new high-water mark at the current RSS (Linux ≥ 4.0: "5" to /proc/self/clear_refs), so
    that the peak read after a call is that call's own; False where the kernel does not let us, and
    the peak is then the highest since the process started."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def measured(result: T, own_peak: bool = False) -> T:
    """``result`` (an InitResult or a Call) with the memory of this moment; ``own_peak``: the peak
    mark was reset right before the call (see reset_peak)."""
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return result
    found = {"rss_mb": round(current_mb(), 2), "peak_rss_mb": round(peak_mb(), 2)}
    if own_peak:
        found["own_peak"] = True
    return dataclasses.replace(result, **found)
