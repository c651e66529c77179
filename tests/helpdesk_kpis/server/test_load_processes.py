"""The endpoint's worker processes reading the store end with it, kill -9 included: none is left
holding the store, its memory and the endpoint's output."""

from __future__ import annotations

import signal
from pathlib import Path

from notifiers.slash.app import WORKING
from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, ask, serve_env, serving, wait_for
from tests.notifiers.slash import conftest as desk


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc: field 4 of /proc/<pid>/stat)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"}


def test_the_load_workers_end_when_the_endpoint_is_killed(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(ENDPOINT_CONFIG + "load_processes = 1\n")  # in [slash]
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, process):
            answer = ask(url, slack, "team billing csat")  # read by a worker: the workers are up
            assert answer.status_code == 200
            text = answer.json()["text"]
            if text == WORKING:  # a busy machine: the worker started after the inline wait ended
                text = slack.wait_for_responses(1, timeout=60)[0]["text"]
            assert "Billing" in text
            workers = children(process.pid)
            assert workers  # the load workers (and multiprocessing's resource tracker)
            process.send_signal(signal.SIGKILL)
            process.wait()
            wait_for(lambda: not alive(workers), "the workers to end after their endpoint")
