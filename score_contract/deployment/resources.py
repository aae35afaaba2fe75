"""The memory a deployment's container may use, read from its spec: the memory budget of the gate when the user sets
none (`--score-max-memory` wins).

- Kubernetes online deployments: ``resources.limits.memory``, a Kubernetes quantity (``64Mi``, ``1Gi``, ``500M``,
  ``1.5G``, ``134217728``), the limit past which the kubelet kills the container (OOMKilled). A request
  (``resources.requests.memory``) is what the scheduler reserves, not a limit, and is not used.
- Managed online deployments: the memory of the ``instance_type``'s VM, from the table below — the sizes the managed
  online endpoints SKU list offers (learn.microsoft.com/azure/machine-learning/reference-managed-online-endpoints-vm-
  sku-list), with each size's memory from the Azure VM size pages (learn.microsoft.com/azure/virtual-machines/sizes).
  The whole VM is the ceiling: the platform keeps some of it for itself, so a deployment that needs nearly all of it
  fails in production before it fails here. An unknown size sets no budget.

Sizes are in MiB, the unit the worker's RSS is measured in (VmRSS in kB / 1024); the report calls them MB.
"""

from __future__ import annotations

import re

from ..errors import UsageError
from .fields import Fields

#: GiB of memory of each VM size the managed online endpoints SKU list offers.
VM_MEMORY_GIB: dict[str, float] = {
    # General purpose
    "Standard_DS1_v2": 3.5, "Standard_DS2_v2": 7, "Standard_DS3_v2": 14, "Standard_DS4_v2": 28, "Standard_DS5_v2": 56,
    "Standard_D2as_v4": 8, "Standard_D4as_v4": 16, "Standard_D8as_v4": 32, "Standard_D16as_v4": 64,
    "Standard_D32as_v4": 128, "Standard_D48as_v4": 192, "Standard_D64as_v4": 256, "Standard_D96as_v4": 384,
    "Standard_D2s_v3": 8, "Standard_D4s_v3": 16, "Standard_D8s_v3": 32, "Standard_D16s_v3": 64,
    "Standard_D32s_v3": 128, "Standard_D48s_v3": 192, "Standard_D64s_v3": 256,
    # Compute optimized
    "Standard_F2s_v2": 4, "Standard_F4s_v2": 8, "Standard_F8s_v2": 16, "Standard_F16s_v2": 32,
    "Standard_F32s_v2": 64, "Standard_F48s_v2": 96, "Standard_F64s_v2": 128, "Standard_F72s_v2": 144,
    # Memory optimized
    "Standard_E2s_v3": 16, "Standard_E4s_v3": 32, "Standard_E8s_v3": 64, "Standard_E16s_v3": 128,
    "Standard_E32s_v3": 256, "Standard_E48s_v3": 384, "Standard_E64s_v3": 432,
    # GPU
    "Standard_NC4as_T4_v3": 28, "Standard_NC8as_T4_v3": 56, "Standard_NC16as_T4_v3": 110,
    "Standard_NC64as_T4_v3": 440, "Standard_NC6s_v3": 112, "Standard_NC12s_v3": 224, "Standard_NC24s_v3": 448,
    "Standard_NC24ads_A100_v4": 220, "Standard_NC48ads_A100_v4": 440, "Standard_NC96ads_A100_v4": 880,
    "Standard_ND96asr_v4": 900, "Standard_ND96amsr_A100_v4": 1900, "Standard_ND40rs_v2": 672,
}  # fmt: skip

#: Kubernetes quantity suffixes (k8s.io/apimachinery/pkg/api/resource): binary and decimal, in bytes.
_SUFFIXES = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18, "": 1,
}  # fmt: skip
_QUANTITY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|)\s*$")


def quantity_mib(text: str) -> float | None:
    """A Kubernetes memory quantity in MiB, or None when it is not one."""
    match = _QUANTITY.match(text)
    if match is None:
        return None
    return float(match.group(1)) * _SUFFIXES[match.group(2)] / 2**20


def memory_limit(spec: Fields, kind: str) -> tuple[float | None, str]:
    """The container's memory limit in MiB and where it comes from ("" when the spec sets none we know)."""
    if kind == "Kubernetes online":
        limits = spec.mapping("resources").mapping("limits")
        if "memory" in limits.data:
            written = limits.text("memory")
            mib = quantity_mib(written)
            if mib is None or mib <= 0:
                raise UsageError(
                    f"{spec.shown}: {limits.name('memory')} is {written!r}, but it must be a Kubernetes quantity"
                    " such as 512Mi or 2Gi."
                )
            return mib, f"{limits.name('memory')}: {written} in {spec.shown}"
    size = spec.text("instance_type")
    gib = VM_MEMORY_GIB.get(size) or next((v for k, v in VM_MEMORY_GIB.items() if k.lower() == size.lower()), None)
    if gib is not None:
        return gib * 1024, f"the memory of instance_type {size} ({gib:g} GiB) in {spec.shown}"
    return None, ""
