import pytest

from kpis.compute.decompose import GroupSample as G, counterfactual, shift_share


def by_id(d):
    return {c.id: c for c in d.contributions}


def test_three_agents_term_by_term():
    # previous: a 90% on 10, b 80% on 10, c 70% on 20 -> (9+8+14)/40 = 77.5
    # current:  a 50% on 20, b 80% on 10, c 70% on 10 -> (10+8+7)/40 = 62.5
    prev = {"a": G(90.0, 10), "b": G(80.0, 10), "c": G(70.0, 20)}
    cur = {"a": G(50.0, 20), "b": G(80.0, 10), "c": G(70.0, 10)}
    d = shift_share(cur, prev)
    assert d.value == pytest.approx(62.5) and d.previous == pytest.approx(77.5)
    assert d.change == pytest.approx(-15.0)
    r = by_id(d)
    # a: rate (50-90)*(0.5+0.25)/2 = -15; mix (0.5-0.25)*(50+90)/2 = 17.5
    assert r["a"].rate_effect == pytest.approx(-15.0)
    assert r["a"].mix_effect == pytest.approx(17.5)
    # b: rate 0; mix 0
    assert r["b"].effect == pytest.approx(0.0)
    # c: rate 0; mix (0.25-0.5)*(70+70)/2 = -17.5
    assert r["c"].mix_effect == pytest.approx(-17.5)
    assert sum(c.effect for c in d.contributions) == pytest.approx(d.change)
    assert [c.id for c in d.contributions][:2] == ["c", "a"]


def test_zero_overall_change_two_groups_opposite():
    # x 80->90, y 90->80, each 10 tickets both windows: overall 85 -> 85
    d = shift_share({"x": G(90.0, 10), "y": G(80.0, 10)}, {"x": G(80.0, 10), "y": G(90.0, 10)})
    assert d.change == pytest.approx(0.0)
    r = by_id(d)
    assert r["x"].effect == pytest.approx(5.0) and r["y"].effect == pytest.approx(-5.0)


def test_mix_only_volume_doubles_at_same_rate():
    # chat 60% 10->20, email 90% on 10: overall 75 -> (12+9)/30 = 70
    d = shift_share({"chat": G(60.0, 20), "email": G(90.0, 10)},
                    {"chat": G(60.0, 10), "email": G(90.0, 10)})
    assert d.change == pytest.approx(-5.0)
    assert all(c.rate_effect == pytest.approx(0.0) for c in d.contributions)
    assert sum(c.mix_effect for c in d.contributions) == pytest.approx(-5.0)


def test_group_in_one_window_is_all_mix():
    d = shift_share({"a": G(80.0, 10), "new": G(40.0, 10)}, {"a": G(80.0, 10)})
    r = by_id(d)
    assert r["new"].rate_effect == 0.0 and r["new"].mix_effect == pytest.approx(20.0)
    assert d.change == pytest.approx(-20.0)


def test_median_counterfactual():
    # now: a [10, 20], b [30] -> median 20; before: a [1, 2], b [30] -> median 2
    # swap a back: [30, 1, 2] -> 2, effect 18; swap b back: same values -> effect 0
    d = counterfactual({"a": [10, 20], "b": [30]}, {"a": [1, 2], "b": [30]})
    assert d.additive is False and d.change == 18
    r = by_id(d)
    assert r["a"].effect == 18 and r["b"].effect == 0


def test_significance_and_insufficient_data():
    # a: 90% of 100 -> 50% of 100: z = 0.4/sqrt(0.7*0.3*0.02) = 6.17 > 1.96 -> significant
    # b: 80% of 5 -> 60% of 5: below min_sample 10 -> insufficient, not significant
    d = shift_share({"a": G(50.0, 100), "b": G(60.0, 5)}, {"a": G(90.0, 100), "b": G(80.0, 5)},
                    min_sample=10)
    r = by_id(d)
    assert r["a"].significant and not r["a"].insufficient_data
    assert r["b"].insufficient_data and not r["b"].significant
