from datetime import date

import time_machine
from icalendar import Calendar

from leave.services import carers_leave_request


@time_machine.travel(date(2026, 11, 23))
def test_the_private_link_serves_my_leave_and_a_new_link_stops_the_old_one(client, world, settings):
    settings.SITE_URL = "https://carers.example.org"
    carers_leave_request(
        staff=world.carer_record,
        days=[(date(2026, 12, 7), "am")],
        note="",
        by=world.carer,
        today=date(2026, 11, 23),
    )
    client.force_login(world.carer)
    html = client.post(f"/o/{world.org.slug}/leave/calendar/subscribe/").content.decode()
    link = html.split('id="feed-link">')[1].split("<")[0].removeprefix("https://carers.example.org")
    client.logout()
    response = client.get(link)
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Leave (morning): asked for"]
    assert events[0].decoded("dtstart") == date(2026, 12, 7)

    client.force_login(world.carer)
    client.post(f"/o/{world.org.slug}/leave/calendar/subscribe/")
    client.logout()
    assert client.get(link).status_code == 404
