from kpis.channels import normalise_channel


def test_each_helpdesk_maps_to_the_shared_names():
    assert normalise_channel("zendesk", "web_widget") == "chat"
    assert normalise_channel("freshdesk", 3) == "phone"
    assert normalise_channel("intercom", "conversation") == "chat"
    assert normalise_channel("helpscout", "Email") == "email"


def test_unknown_values_are_other_and_missing_stays_missing():
    assert normalise_channel("zendesk", "carrier_pigeon") == "other"
    assert normalise_channel("freshdesk", None) is None
