import re


def test_password_reset_sends_a_link_by_email_that_sets_a_new_password(client, world, smtp_sink):
    client.post("/accounts/password/reset/", {"email": "carer@example.org"})
    assert len(smtp_sink) == 1
    body = smtp_sink[0].get_payload(decode=True) or smtp_sink[0].get_payload()[0].get_payload(
        decode=True
    )
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body.decode())
    assert match is not None, "no reset link in the email"
    link = match.group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    )
    assert response.status_code == 302
    assert client.login(username="carer@example.org", password="a brand new passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_revealing(client, db, smtp_sink):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a known address


def test_a_reset_asked_for_while_the_mail_server_fails_is_sent_when_it_recovers(
    client, world, smtp_server
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from shared.models import OutboundEmail
    from shared.outbox import outbox_recover

    smtp_server.data_answers = ["421 4.3.2 Service not available"]
    response = client.post("/accounts/password/reset/", {"email": "carer@example.org"})
    assert response.status_code == 302  # the page does not wait for, or fail with, the server
    email = OutboundEmail.objects.get()
    assert (email.template, email.status) == ("password_reset_key", OutboundEmail.Status.QUEUED)
    assert smtp_server.messages == []

    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        outbox_recover()
    (received,) = smtp_server.messages
    assert received["To"] == "carer@example.org"
    assert "/accounts/password/reset/key/" in received.as_string()
