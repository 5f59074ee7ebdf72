"""Whether someone works bank holidays, through the staff API and the organisation's record."""

from __future__ import annotations

from typing import Any

from django.test import Client

from api.tests.helpers import API
from carershub.tests.personas import World


def _patch(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.patch(API + path, data, content_type="application/json")


def test_read_set_and_left_alone_by_a_null(hr_api: Client, world: World) -> None:
    url = f"/staff/{world.carer_record.pk}"
    assert hr_api.get(API + url).json()["works_bank_holidays"] == "default"
    response = _patch(hr_api, url, {"works_bank_holidays": "yes"})
    assert response.status_code == 200, response.content
    assert response.json()["works_bank_holidays"] == "yes"
    response = _patch(hr_api, url, {"works_bank_holidays": None, "first_name": "Pat"})
    assert response.status_code == 200, response.content
    assert response.json()["works_bank_holidays"] == "yes"
    world.carer_record.refresh_from_db()
    assert world.carer_record.works_bank_holidays == "yes"


def test_an_unknown_value_is_an_invalid_request(hr_api: Client, world: World) -> None:
    response = _patch(hr_api, f"/staff/{world.carer_record.pk}", {"works_bank_holidays": "often"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_a_new_record_may_say_so(hr_api: Client, world: World) -> None:
    response = hr_api.post(
        API + "/staff",
        {
            "staff_number": "R1",
            "first_name": "Rota",
            "last_name": "Nurse",
            "works_bank_holidays": "no",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["works_bank_holidays"] == "no"


def test_the_organisation_says_its_default(hr_api: Client, world: World) -> None:
    world.org.staff_work_bank_holidays = True
    world.org.save()
    assert hr_api.get(API + "/organisation").json()["staff_work_bank_holidays"] is True
