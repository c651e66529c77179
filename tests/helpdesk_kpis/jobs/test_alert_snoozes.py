"""A snoozed rule stays quiet for its scope until the snooze ends, then speaks again.

Data as in test_agent_alerts (tests/notifiers/desk.py): Billing's Bob Stone has CSAT 25.0%. The
clock is injected and moved by the test; nothing sleeps.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from helpdesk_kpis.jobs import slack_runs
from kpis.store import Store, service_tables
from kpis.store.alert_states import AlertStates
from tests.helpdesk_kpis.jobs.test_agent_alerts import configure, fake, run, workdir  # noqa: F401
from tests.notifiers import desk


def at(monkeypatch, moment) -> None:  # noqa: ANN001
    monkeypatch.setattr("helpdesk_kpis.cli._now", lambda: moment)
    monkeypatch.setattr(slack_runs, "clock", lambda: moment)


def test_a_snoozed_rule_announces_nothing_until_the_snooze_ends_then_its_recovery(
    workdir, fake, capsys, monkeypatch  # noqa: F811 - the fixtures imported above
):
    configure(workdir)
    code, out, _ = run(capsys, "alerts")
    assert code == 0 and "1 breach started" in out, out
    assert len(fake.messages) == 2  # Bob's breach, to each of Billing's two leads

    store = Store.open(f"sqlite:///{workdir / 'kpis.db'}")
    with store.engine.connect() as connection:
        [scope] = connection.execute(select(service_tables.alert_states.c.scope).where(
            service_tables.alert_states.c.rule_id == "agent-csat", service_tables.alert_states.c.state == "breached")).scalars().all()
    AlertStates(store).snooze("agent-csat", scope, desk.NOW + timedelta(hours=24), "U0LEAD0001", desk.NOW)

    configure(workdir, threshold=20)  # 25.0% is no longer below 20%: the breach has ended
    at(monkeypatch, desk.NOW + timedelta(hours=1))
    code, out, _ = run(capsys, "alerts")
    assert code == 0 and "0 recovered" in out and "; 1 snoozed" in out, out
    assert len(fake.messages) == 2  # snoozed: not a word
    code, out, _ = run(capsys, "alerts", "--dry-run")  # the admin sees why nothing was said
    assert code == 0 and "snoozed (not posted)" in out, out
    code, out, _ = run(capsys, "alerts", "--json")
    assert code == 0 and '"snoozed": [{"rule": "agent-csat"' in out, out
    assert len(fake.messages) == 2

    at(monkeypatch, desk.NOW + timedelta(hours=23, minutes=59))
    assert run(capsys, "alerts")[0] == 0
    assert len(fake.messages) == 2

    at(monkeypatch, desk.NOW + timedelta(hours=24))  # the snooze's end: the rule speaks again
    code, out, _ = run(capsys, "alerts")
    assert code == 0 and "1 recovered" in out, out
    assert len(fake.messages) == 4
    assert all(m.text.startswith("Recovered: CSAT for Bob Stone") for m in fake.messages[2:])
    store.close()
