"""Resident memory and CPU time of a process and its children, from /proc (Linux).

CPU time per answer is the figure to trust on a busy machine: wall-clock latency grows with other
work, the CPU a process spends on each answer hardly does.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

PROC = Path("/proc")


def status_kb(pid: int, field: str = "VmRSS") -> int:
    """A size field of /proc/PID/status in kB (VmRSS: resident now; VmHWM: peak resident); 0 if gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _stat_fields(pid: int) -> List[str]:
    """The fields of /proc/PID/stat after the command name (which may hold spaces or brackets)."""
    return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process and its children, in seconds; 0 if gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in descendants(pid):
        try:
            fields = _stat_fields(p)
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total


def _parents() -> Dict[int, int]:
    """pid -> parent pid for every process."""
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    return parents


def descendants(pid: int) -> List[int]:
    """pid and every process below it (Sanic workers, for example)."""
    parents = _parents()
    found, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def children(pid: int) -> List[int]:
    """The direct children of pid."""
    return [child for child, parent in _parents().items() if parent == pid]


def alive(pid: int) -> bool:
    """True while pid exists and is not a zombie (exited, not yet reaped). A killed multi-threaded
    process shows its main thread as a zombie while the other threads still exit, holding its open
    files (a listening socket still accepts connections): alive until every thread is gone."""
    try:
        if _stat_fields(pid)[0] != "Z":
            return True
        for task in (PROC / str(pid) / "task").iterdir():
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z":
                return True
    except (OSError, IndexError):
        pass
    return False


def group_members(pgid: int) -> List[int]:
    """The processes of process group pgid that are alive (zombies left out)."""
    members = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                fields = _stat_fields(int(entry.name))
                if int(fields[2]) == pgid and fields[0] != "Z":
                    members.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return members


def memory_mb(pid: int) -> Dict[str, float]:
    """Resident memory in MB: of the process, of it with its children, and its peak."""
    tree = descendants(pid)
    return {
        "rss_mb": status_kb(pid) / 1024,
        "tree_rss_mb": sum(status_kb(p) for p in tree) / 1024,
        "peak_rss_mb": status_kb(pid, "VmHWM") / 1024,
        "processes": len(tree),
    }


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews timings."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")
