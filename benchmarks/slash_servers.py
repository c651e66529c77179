"""The slash benchmark's processes: `helpdesk-kpis serve` (over HTTP or Socket Mode) and a sync
writing into the same store meanwhile (see slash_latency.py)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from slash_mix import CLI, sample_section

from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET
from tests.fakes.slack.socket_mode import APP_TOKEN

#: Bounds for a busy machine: the first warm-up reads a year of blocks.
WARM_SECONDS = 900
STOP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`serve --role endpoint` on the store, its `/kpi` over HTTP or (``socket_mode``) Socket Mode."""

    def __init__(self, work: Path, database: Path, slack: FakeSlack, *, socket_mode: bool, number: int = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/slack/events"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database.resolve()}", "SLACK_BOT_TOKEN": TOKEN,
               "SLACK_API_URL": slack.base_url}
        env.pop("HELPDESK_KPIS_CONFIG", None)
        options = ["--role", "endpoint", "--host", "127.0.0.1", "--port", str(self.port)]
        if socket_mode:
            env["SLACK_APP_TOKEN"] = APP_TOKEN
            options.append("--socket-mode")
        else:
            env["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
        self.log_path = work / f"serve-{'socket' if socket_mode else 'http'}{f'-{number + 1}' if number else ''}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen([*CLI, "serve", *options], cwd=work, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)

    def wait_warm(self) -> bool:
        """Until the server warmed its answers and read the store's days into memory (in its load
        worker, with load processes), as a server up for a while has."""
        deadline = time.monotonic() + WARM_SECONDS
        while "read into memory" not in self.log_path.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                print(self.log_path.read_text()[-3000:])
                return False
            time.sleep(0.5)
        return True

    def peak_rss_mb(self) -> float | None:
        """The server process's peak resident memory (its load workers not included)."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
        except (OSError, StopIteration):
            return None

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Writer:
    """`helpdesk-kpis sync` of another sample instance into the same store, over and over while
    the clients ask: each sync has a new anchor (the synthetic helpdesk's "now"), so it rewrites
    the instance's tickets, ratings and survey answers of the last ``days`` days, page by page."""

    def __init__(self, work: Path, database: Path, *, tickets: int, days: int = 30) -> None:
        self.work, self.database, self.tickets, self.days = work, database, tickets, days
        self.syncs = 0
        self._anchor = ""  # the running sync's, as its cursors hold it
        self.failed: list[str] = []
        self._stop = threading.Event()
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait_writing(self, timeout: float = 120) -> bool:
        """Until the first page of a sync is committed (its cursor is in the store)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with sqlite3.connect(self.database, timeout=30) as db:
                written = db.execute("SELECT count(*) FROM sync_state WHERE instance = 'writer' "
                                     "AND stream = 'tickets' AND cursor LIKE ?", (f"%{self._anchor}%",)).fetchone()[0]
            if self._anchor and written:
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        """SIGTERM to the running sync: it stops at its next page boundary."""
        self._stop.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
        self._thread.join(STOP_SECONDS)

    def _loop(self) -> None:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.database.resolve()}"}
        env.pop("HELPDESK_KPIS_CONFIG", None)
        config = self.work / "writer.toml"
        while not self._stop.is_set():
            self._anchor = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
            config.write_text(sample_section(self.tickets, "writer", days=self.days, extra=f"seed = 11\nanchor = "
                                             f"{self._anchor.replace('+00:00', 'Z')}\n"))
            with self._lock:
                self._process = subprocess.Popen([*CLI, "--config", str(config), "sync"], cwd=self.work, env=env,
                                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            out, _ = self._process.communicate()
            if self._process.returncode == 0:
                self.syncs += 1
            elif not self._stop.is_set():
                self.failed.append(out[-500:])
                return
