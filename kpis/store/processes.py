"""Which process holds a lease, precisely enough to tell on this machine whether it is still alive.

A lease row carries its holder's key: host, PID namespace, PID and the process's start time
(Linux ``/proc``). A process on the same host and in the same PID namespace can then see that the
holder has died -- kill -9 included -- and take its lease at once, instead of waiting for it to
expire. A reused PID has another start time, so it is not mistaken for the holder. Elsewhere
(another host, another container, no ``/proc``) nothing is known, and only expiry frees a lease.
"""

from __future__ import annotations

import os
import socket


def process_key(pid: int | None = None) -> str | None:
    """``host/pid-namespace/pid/start-time`` of a live process here; None when not known (or dead)."""
    pid = os.getpid() if pid is None else pid
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    except (OSError, IndexError):
        return None
    state, start_time = fields[0], fields[19]  # fields 3 and 22 of proc(5)
    if state in ("Z", "X"):  # exited, not yet reaped: as dead as it gets
        return None
    return f"{socket.gethostname()}/{namespace}/{pid}/{start_time}"


def is_dead_here(key: str | None) -> bool:
    """Whether the process ``key`` names is certainly gone: same host and namespace as us, and no
    live process with its PID and start time."""
    own = process_key()
    if not key or own is None:
        return False
    host, namespace, pid, _start = (key.split("/") + ["", "", "", ""])[:4]
    own_host, own_namespace, _pid, _own_start = own.split("/")
    if (host, namespace) != (own_host, own_namespace) or not pid.isdigit():
        return False
    return process_key(int(pid)) != key
