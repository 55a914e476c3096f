"""Delivery through the official twilio client against a real local HTTP server."""

import datetime as dt
import socket

import pytest
from followup_script import (
    ConfigError,
    DeliveryError,
    History,
    InputError,
    Receipt,
    StoppedError,
)

from sms_helpers import (
    CONTACT,
    CONTACT_E164,
    LAST,
    MESSAGES_PATH,
    SENDER,
    SID,
    TOKEN,
    basic_auth,
    created,
    make_writer,
    sms_settings,
    three_day_message,
    twilio_error,
)


def send(tmp_path, httpserver, contact=None, **settings):
    writer = make_writer(tmp_path, sms_settings(httpserver, **settings))
    message = three_day_message(writer, contact)
    return message, writer.deliver(message)


def requests_made(httpserver):
    return [request for request, _ in httpserver.log]


def test_a_text_is_sent_as_a_form_post_with_basic_auth(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        created(sid="SM" + "1" * 32, status="queued", segments="1"), status=201)
    message, receipt = send(tmp_path, httpserver)

    assert isinstance(receipt, Receipt)
    assert receipt.channel == "sms"
    assert receipt.id == "SM" + "1" * 32
    assert receipt.detail == "status queued, 1 segment(s)"
    assert receipt.contact_stopped is False
    (request,) = requests_made(httpserver)
    assert request.path == MESSAGES_PATH
    assert request.method == "POST"
    assert request.headers["Authorization"] == basic_auth(SID, TOKEN)
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert request.form["To"] == CONTACT_E164
    assert request.form["From"] == SENDER
    assert request.form["Body"] == message.text
    assert "MessagingServiceSid" not in request.form
    assert "Dana" in request.form["Body"]


def test_twilio_segment_count_is_reported(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        created(status="accepted", segments="2"), status=201)
    _, receipt = send(tmp_path, httpserver)
    assert receipt.detail == "status accepted, 2 segment(s)"


def test_messaging_service_instead_of_from(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        created(status="accepted", segments="0"), status=201)
    service = "MG" + "9" * 32
    settings = sms_settings(httpserver, messaging_service_sid=service)
    del settings["from"]
    writer = make_writer(tmp_path, settings)
    receipt = writer.deliver(three_day_message(writer))
    (request,) = requests_made(httpserver)
    assert request.form["MessagingServiceSid"] == service
    assert "From" not in request.form
    # a messaging service reports 0 segments until it picks a sender: show our count
    assert receipt.detail == "status accepted, 1 segment(s)"


def test_local_numbers_are_read_in_the_configured_region(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(created(), status=201)
    send(tmp_path, httpserver, dict(CONTACT, phone="020 7946 0958"), region="GB",
         **{"from": "07400 123456"})
    (request,) = requests_made(httpserver)
    assert request.form["To"] == "+442079460958"
    assert request.form["From"] == "+447400123456"


def test_recipient_replied_stop_comes_back_as_a_stop(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(21610, "Attempt to send to unsubscribed recipient", 400), status=400)
    _, receipt = send(tmp_path, httpserver)
    assert receipt.contact_stopped is True
    assert receipt.id is None
    assert "opted out (replied STOP)" in receipt.detail
    assert CONTACT_E164 in receipt.detail and "21610" in receipt.detail
    assert receipt.to_dict()["contact_stopped"] is True
    assert len(httpserver.log) == 1  # a stop is never retried


def test_invalid_to_is_an_input_error_naming_the_number(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(21211, "The 'To' number +12125550123 is not a valid phone number.", 400), status=400)
    with pytest.raises(InputError) as caught:
        send(tmp_path, httpserver)
    text = str(caught.value)
    assert type(caught.value) is InputError
    assert CONTACT_E164 in text and "21211" in text and "--phone" in text
    assert "\n" not in text and TOKEN not in text


def test_bad_credentials_are_a_config_error(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(20003, "Authenticate", 401), status=401)
    with pytest.raises(ConfigError) as caught:
        send(tmp_path, httpserver)
    text = str(caught.value)
    assert "check sms.account_sid and the auth token" in text and "20003" in text
    assert "\n" not in text and TOKEN not in text
    assert caught.value.exit_code == 2


def test_too_many_requests_is_retried_then_succeeds(tmp_path, httpserver):
    limited = twilio_error(20429, "Too Many Requests", 429)
    httpserver.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(limited, status=429)
    httpserver.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(limited, status=429)
    httpserver.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        created(sid="SM" + "2" * 32), status=201)
    _, receipt = send(tmp_path, httpserver, retries=3)
    assert receipt.id == "SM" + "2" * 32
    assert len(httpserver.log) == 3
    bodies = {request.form["Body"] for request in requests_made(httpserver)}
    assert len(bodies) == 1
    httpserver.check_assertions()


def test_too_many_requests_gives_up_after_the_retries(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(20429, "Too Many Requests", 429), status=429)
    with pytest.raises(DeliveryError) as caught:
        send(tmp_path, httpserver, retries=2)
    assert len(httpserver.log) == 3  # the first try and two retries, no more
    text = str(caught.value)
    assert "20429" in text and "3 tries" in text and "\n" not in text and TOKEN not in text


def test_no_retries_when_set_to_zero(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(20429, "Too Many Requests", 429), status=429)
    with pytest.raises(DeliveryError):
        send(tmp_path, httpserver, retries=0)
    assert len(httpserver.log) == 1


def test_other_twilio_errors_are_delivery_errors_with_code_and_message(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(21408, "Permission to send an SMS has not been enabled for the region", 400),
        status=400)
    with pytest.raises(DeliveryError) as caught:
        send(tmp_path, httpserver)
    text = str(caught.value)
    assert "21408" in text and "Permission to send an SMS" in text
    assert "Unable to create record" not in text
    assert caught.value.exit_code == 3 and "\n" not in text and TOKEN not in text


def test_problem_details_errors_are_read_too(tmp_path, httpserver):
    # newer Twilio APIs answer errors as RFC 9457 problem details
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"type": "https://www.twilio.com/docs/errors/21610", "title": "Unsubscribed recipient",
         "status": 400, "code": 21610, "detail": "The recipient replied STOP"}, status=400)
    _, receipt = send(tmp_path, httpserver)
    assert receipt.contact_stopped is True
    httpserver.clear()
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"type": "https://www.twilio.com/docs/errors/30007", "title": "Message filtered",
         "status": 400, "code": 30007, "detail": "Carrier filtered the message"}, status=400)
    with pytest.raises(DeliveryError, match=r"error 30007: Carrier filtered the message"):
        send(tmp_path, httpserver)


def test_a_server_error_without_json_is_a_delivery_error(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_data(
        "<html>bad gateway</html>", status=502, content_type="text/html")
    with pytest.raises(DeliveryError, match="HTTP 502"):
        send(tmp_path, httpserver)


def test_an_unreachable_server_is_a_delivery_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = {"account_sid": SID, "auth_token": TOKEN, "from": SENDER,
                "base_url": f"http://127.0.0.1:{port}", "timeout": 5}
    writer = make_writer(tmp_path, settings)
    with pytest.raises(DeliveryError) as caught:
        writer.deliver(three_day_message(writer))
    text = str(caught.value)
    assert "could not reach Twilio" in text and f"127.0.0.1:{port}" in text
    assert "\n" not in text and TOKEN not in text


@pytest.mark.parametrize("phone", ["+1 555 201 0000", "12345", "call me"])
def test_an_invalid_contact_number_is_refused_before_any_request(tmp_path, httpserver, phone):
    with pytest.raises(InputError) as caught:
        send(tmp_path, httpserver, dict(CONTACT, phone=phone))
    text = str(caught.value)
    assert repr(phone) in text and "--phone" in text and "\n" not in text
    assert httpserver.log == []


def test_a_missing_contact_number_is_refused(tmp_path, httpserver):
    contact = {k: v for k, v in CONTACT.items() if k != "phone"}
    with pytest.raises(InputError, match="Dana Reyes's mobile number.*--phone"):
        send(tmp_path, httpserver, contact)
    assert httpserver.log == []


def test_dry_run_validates_but_sends_nothing(tmp_path, httpserver):
    writer = make_writer(tmp_path, sms_settings(httpserver))
    receipt = writer.deliver(three_day_message(writer), dry_run=True)
    assert receipt.channel == "sms" and receipt.id is None
    assert "dry run" in receipt.detail and CONTACT_E164 in receipt.detail
    assert httpserver.log == []
    bad = three_day_message(writer, dict(CONTACT, phone="+1 555 201 0000"))
    with pytest.raises(InputError):
        writer.deliver(bad, dry_run=True)


def test_a_stopped_contact_gets_no_request(tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(created(), status=201)
    writer = make_writer(tmp_path, sms_settings(httpserver))
    stopped_plan = writer.plan(History(LAST, "stop"), dt.date(2026, 11, 23))
    message = writer.write("sms", stopped_plan, CONTACT, today=dt.date(2026, 11, 23))
    assert message.text is None and message.stopped
    with pytest.raises(StoppedError):
        writer.deliver(message)
    # an active message for a contact the tracker marked as stopped is refused too
    with pytest.raises(StoppedError):
        writer.deliver(three_day_message(writer), stopped=True)
    assert httpserver.log == []


# -- settings ------------------------------------------------------------------------------

def test_credentials_from_the_environment(tmp_path, httpserver, monkeypatch):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(created(), status=201)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env-token")
    settings = sms_settings(httpserver)
    del settings["account_sid"], settings["auth_token"]
    writer = make_writer(tmp_path, settings)
    writer.deliver(three_day_message(writer))
    (request,) = requests_made(httpserver)
    assert request.headers["Authorization"] == basic_auth(SID, "from-env-token")


def test_auth_token_env_names_the_variable(tmp_path, httpserver, monkeypatch):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(created(), status=201)
    monkeypatch.setenv("MY_TWILIO_SECRET", "named-env-token")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-this-one")
    settings = sms_settings(httpserver, auth_token_env="MY_TWILIO_SECRET")
    del settings["auth_token"]
    writer = make_writer(tmp_path, settings)
    writer.deliver(three_day_message(writer))
    (request,) = requests_made(httpserver)
    assert request.headers["Authorization"] == basic_auth(SID, "named-env-token")


def test_edge_and_region_do_not_redirect_a_base_url(tmp_path, httpserver, monkeypatch):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(created(), status=201)
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")
    _, receipt = send(tmp_path, httpserver)
    assert receipt.id and len(httpserver.log) == 1


@pytest.mark.parametrize(("drop", "extra", "match"), [
    ("account_sid", {}, r"Account SID.*sms\.account_sid.*TWILIO_ACCOUNT_SID"),
    ("auth_token", {}, r"auth token.*TWILIO_AUTH_TOKEN"),
    ("auth_token", {"auth_token_env": "UNSET_TOKEN_VAR"}, r"'UNSET_TOKEN_VAR'.*empty"),
    ("from", {}, r"needs a sender.*sms\.from.*messaging_service_sid"),
    (None, {"from": "+1 555 000"}, r"sms\.from '\+1 555 000' is not a valid phone number"),
    (None, {"base_url": "127.0.0.1:9"}, r"sms\.base_url '127\.0\.0\.1:9' is not a URL"),
    (None, {"retries": "three"}, r"sms\.retries = 'three' must be a number"),
    (None, {"account_sid": 12}, r"sms\.account_sid = 12 must be a quoted string"),
])
def test_settings_problems_are_one_line_config_errors(tmp_path, httpserver, drop, extra, match):
    settings = sms_settings(httpserver, **extra)
    if drop:
        del settings[drop]
    writer = make_writer(tmp_path, settings)
    with pytest.raises(ConfigError, match=match) as caught:
        writer.deliver(three_day_message(writer))
    assert "\n" not in str(caught.value) and TOKEN not in str(caught.value)
    assert httpserver.log == []


def test_the_channel_lists_its_options(tmp_path):
    channel = make_writer(tmp_path).channel("sms")
    assert channel.kind == "sms" and channel.deliver is not None and channel.finish is not None
    assert {"account_sid", "auth_token", "auth_token_env", "from", "messaging_service_sid",
            "region", "base_url"} <= set(channel.options)
    assert channel.plugin  # recorded by the core
