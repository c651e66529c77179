"""`--log-level` and `--log-format json`: one JSON object per line, zoned ISO times, context, no
library chatter, no secret."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import datetime

from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.server.serving import serve_env, serving

CONFIG = "[connectors.sample.tiny]\ntickets = 20\ndays = 3\n"
SECRET_TOKEN = "xoxb-secret-never-logged-123456"


def records(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line must parse


def test_serve_with_json_logs_writes_only_json_lines_with_context_and_no_secret(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        env = serve_env(tmp_path, slack)
        env["SLACK_BOT_TOKEN"] = SECRET_TOKEN  # refused by the fake: not needed by a scheduler without teams
        with serving(tmp_path, env, "--role", "scheduler", global_options=("--log-format", "json")) as (_url, process):
            lines: list[str] = []
            synced = threading.Event()

            def read() -> None:
                for line in process.stderr:
                    lines.append(line)
                    if '"message": "synced ' in line:
                        synced.set()

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            assert synced.wait(timeout=120), "".join(lines)  # the first sync has finished: stop now
        reader.join(timeout=30)
        out, err = process.stdout.read(), "".join(lines)
    assert process.returncode == 0
    assert out.strip() == ""  # everything went to the log
    logged = records(err)
    assert logged, err
    for record in logged:
        assert set(record) >= {"time", "level", "logger", "message"}
        assert datetime.fromisoformat(record["time"]).utcoffset() is not None  # a zone on every time
        assert record["level"] in {"debug", "info", "warning", "error"}
    messages = [r["message"] for r in logged]
    assert any(m.startswith("scheduled: sync every") for m in messages)
    assert any(r.get("job") == "sync" and r["message"].startswith("synced ") for r in logged)
    assert not [r for r in logged if r["logger"].startswith(("alembic", "apscheduler")) and r["level"] == "info"]
    assert SECRET_TOKEN not in err + out


def test_debug_logs_keep_secrets_out_too(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG + '\n[[teams]]\nname = "Billing"\nchannel = "C0BILLING"\n')
    with FakeSlack() as slack:
        env = serve_env(tmp_path, slack)
        # digest reads a store, never creates one: the sample's sync makes it (and gives Slack a digest).
        subprocess.run([sys.executable, "-m", "helpdesk_kpis.cli", "sync", "--no-alerts"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120, check=True)
        done = subprocess.run(
            [sys.executable, "-m", "helpdesk_kpis.cli", "--log-level", "debug", "--log-format", "json", "digest"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
    logged = records(done.stderr)
    assert any(r["level"] == "debug" for r in logged)  # libraries speak at debug
    assert env["SLACK_BOT_TOKEN"] not in done.stderr + done.stdout


def test_a_failing_command_with_json_logs_says_so_in_one_json_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_kpis.cli", "--log-format", "json", "report", "--period", "fortnight"],
        cwd=tmp_path, env=serve_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 2
    (record,) = records(done.stderr)
    assert record["level"] == "error"
    assert record["message"].startswith("error: unknown period 'fortnight'")


def test_an_unknown_log_level_is_one_line_and_exit_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_kpis.cli", "--log-level", "loud", "report"],
        cwd=tmp_path, env=serve_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: unknown log level 'loud'; use one of: debug, info, warning, error"


def test_logging_follows_stderr_when_it_is_replaced(monkeypatch):
    import io
    import logging

    from helpdesk_kpis.log_output import configure

    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure("info", "text")
    monkeypatch.setattr(sys, "stderr", second)
    first.close()  # the stream logging was set up with is gone
    logging.getLogger("helpdesk_kpis.test").warning("after the swap")
    assert "after the swap" in second.getvalue()
    assert "Logging error" not in second.getvalue()
