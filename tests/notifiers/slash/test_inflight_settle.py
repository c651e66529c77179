"""A shutdown settles every answer owed through response_url exactly once, even at its edges: an
acknowledgement still running after the callers were told to ask again is not left with "working
on it" alone, and an answer whose post was under way is let finish before the process exits."""

from __future__ import annotations

import threading

from notifiers.slash.inflight import InFlight


def test_an_answer_owed_after_the_callers_were_told_comes_settled():
    inflight = InFlight()
    inflight.begin_drain()
    assert inflight.tell_restarted(within=1) == 0  # nothing owed yet
    late = inflight.owe("http://127.0.0.1:9/late")  # an acknowledgement that was still running
    assert late.claimed  # so it says "ask again" rather than "working on it"
    assert not inflight.claim(late)  # and no answer is posted for it
    assert inflight.owed == 0


def test_telling_the_owed_waits_for_an_answer_being_posted():
    inflight = InFlight()
    owed = inflight.owe("http://127.0.0.1:9/answer")
    assert inflight.claim(owed)  # its answer is being posted
    told = []
    settling = threading.Thread(target=lambda: told.append(inflight.tell_restarted(within=30)))
    settling.start()
    settling.join(0.3)
    assert settling.is_alive()  # still waiting for the post under way
    inflight.delivered(owed)
    settling.join(30)
    assert not settling.is_alive() and told == [0]  # nobody had to be told: the answer went out
