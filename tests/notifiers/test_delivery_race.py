"""Two processes delivering the same digest at once (two schedulers during a failover, a manual
`digest` beside `serve`): the message, its thread reply and its chart are posted once."""

from __future__ import annotations

import threading

from kpis.store import Store
from kpis.store.leases import Lease
from kpis.store.sent_log import DeliveryLog
from notifiers.delivery import SlackDelivery
from tests.notifiers.conftest import BILLING
from tests.notifiers.test_delivery import NOW, post


def test_a_digest_another_process_is_delivering_is_left_to_it(client, fake_slack, store_url):
    store = Store.open(store_url)
    other = Lease(store, "deliver:digest:2026-11-15:team:Billing", failover_seconds=60, holder="other-box:7")
    assert other.try_acquire()
    delivery = SlackDelivery(client, DeliveryLog(store), clock=lambda: NOW)
    outcome = delivery.deliver_digest(post())
    assert outcome.line() == (
        "Billing digest for 2026-11-15: unchanged in #kpi-billing (another process is delivering it right now)"
    )
    assert fake_slack.calls == []
    other.release()
    assert delivery.deliver_digest(post()).action == "posted"
    assert len(fake_slack.top_level(BILLING)) == 1
    store.close()


def test_two_deliveries_started_together_post_everything_once(client, fake_slack, store_url):
    store = Store.open(store_url)
    start = threading.Barrier(2)
    outcomes = []

    def deliver() -> None:
        delivery = SlackDelivery(client, DeliveryLog(Store.open(store_url)), clock=lambda: NOW)
        start.wait(timeout=30)
        outcomes.append(delivery.deliver_digest(post()).action)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["posted", "unchanged"]
    [top] = fake_slack.top_level(BILLING)
    assert len(fake_slack.replies(top.ts)) == 1 and len(fake_slack.files_in_thread(top.ts)) == 1
    store.close()
