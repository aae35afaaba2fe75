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


def measured(result: T) -> T:
    """``result`` (an InitResult or a Call) with the memory of this moment."""
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return result
    return dataclasses.replace(result, rss_mb=round(current_mb(), 2), peak_rss_mb=round(peak_mb(), 2))
