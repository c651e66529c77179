from kpis.breakdown import OTHER_TAGS, fold_small_tags, tag_counts, tag_keys


def test_multi_tag_ticket_counts_in_each_tag_lower_cased():
    counts = tag_counts([["Billing", "refund", "VIP"], ["billing"], ["Refund", "refund"]])
    # billing: tickets 1 and 2; refund: tickets 1 and 3 (once each); vip: ticket 1
    assert counts == {"billing": 2, "refund": 2, "vip": 1}
    assert tag_keys([" VIP ", "vip", ""]) == ("vip",)


def test_small_tags_fold_into_other_tags():
    rows = fold_small_tags(tag_counts([["a"], ["a", "b"]]), min_sample=2)
    assert rows == {"a": "a", "b": OTHER_TAGS}
