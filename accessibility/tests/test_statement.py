"""The deployment's accessibility statement: the page before and after it is filled in, in
English and Welsh, and the admin that writes it (docs/configuration.md)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accessibility.enforcement import enforcement_for
from accessibility.models import AccessibilityStatement, Compliance, KnownProblem
from accessibility.services import ProblemValues, StatementValues, statement_save
from accounts.models import User
from audit.models import Action, AuditEvent
from carershub.tests.personas import TOTP_SECRET
from organisations.models import Nation
from organisations.tests.factories import UserFactory
from shared.writes import EditConflict, RuleError

PAGE = reverse("accessibility")
ADD = reverse("admin:accessibility_accessibilitystatement_add")
PREPARED = datetime.date(2026, 3, 10)
REVIEWED = datetime.date(2026, 9, 2)
TESTED = datetime.date(2026, 2, 20)


@pytest.fixture
def root(db: None) -> User:
    user = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(user, TOTP_SECRET)
    return user


def _values(**overrides: Any) -> StatementValues:
    values: dict[str, Any] = {
        "service_name": "Carers at Work",
        "service_name_cy": "Gofalwyr yn y Gwaith",
        "operator_name": "Riverside Council",
        "operator_name_cy": "Cyngor Glan yr Afon",
        "contact_email": "access@riverside.example",
        "contact_phone": "0300 123 4567",
        "response_days": 7,
        "nation": Nation.WALES,
        "compliance": Compliance.PARTIAL,
        "improvements": "We will fix the contrast by June.",
        "improvements_cy": "Byddwn yn trwsio'r cyferbyniad erbyn mis Mehefin.",
        "prepared_on": PREPARED,
        "reviewed_on": REVIEWED,
        "tested_on": TESTED,
        "tested_by": "an outside auditor",
        "tested_by_cy": "archwilydd allanol",
        "problems": (
            ProblemValues(
                description="Grey hint text is too faint.",
                description_cy="Mae testun awgrym llwyd yn rhy wan.",
                criterion="1.4.3 Contrast (Minimum)",
            ),
            ProblemValues(description="A chart has no text version."),
        ),
    }
    values.update(overrides)
    return StatementValues(**values)


# The page.


@pytest.mark.django_db
def test_until_the_deployment_fills_it_in_the_page_says_so_over_the_products_statement() -> None:
    page = Client().get(PAGE)
    assert page.status_code == 200
    assert 'id="statement-not-completed"' in page.text
    assert "has not yet completed its own accessibility statement" in page.text
    assert "zoom in up to 400%" in page.text
    assert "How we test" in page.text


@pytest.mark.django_db
def test_a_full_statement_shows_every_section_of_the_model(root: User) -> None:
    statement_save(values=_values(), by=root, expected_version=None)
    page = Client().get(PAGE).text
    assert 'id="statement-not-completed"' not in page
    assert "Accessibility statement for Carers at Work" in page
    assert "Riverside Council runs Carers at Work" in page
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "Compliance status",
        "Non-accessible content",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
    ):
        assert heading in page, heading
    assert 'href="mailto:access@riverside.example"' in page
    assert "0300 123 4567" in page
    assert "reply within 7 working days" in page
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in page
    assert "Grey hint text is too faint." in page
    assert "This fails WCAG 2.2 success criterion 1.4.3 Contrast (Minimum)." in page
    assert "A chart has no text version." in page
    assert "We will fix the contrast by June." in page
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2)" in page
    assert "prepared on 10 March 2026" in page
    assert "last reviewed on 2 September 2026" in page
    assert "last tested on 20 February 2026" in page
    assert "carried out by an outside auditor" in page


@pytest.mark.parametrize(
    ("nation", "body", "complaints"),
    [
        (Nation.ENGLAND, "Equality and Human Rights Commission", "Equality Advisory and Support"),
        (Nation.SCOTLAND, "Equality and Human Rights Commission", "Equality Advisory and Support"),
        (Nation.WALES, "Equality and Human Rights Commission", "Equality Advisory and Support"),
        (Nation.NORTHERN_IRELAND, "Equality Commission for Northern Ireland", None),
    ],
)
def test_the_enforcement_body_is_the_one_for_the_deployments_nation(
    root: User, nation: str, body: str, complaints: str | None
) -> None:
    statement_save(values=_values(nation=nation), by=root, expected_version=None)
    page = Client().get(PAGE).text
    section = page[page.index('id="enforcement"') : page.index('id="technical"')]
    assert f"enforced by the {body}" in section
    if complaints:
        assert f"contact the {complaints} Service (EASS)" in section
        assert "Northern Ireland" not in section
    else:
        assert "contact the Equality Commission for Northern Ireland (ECNI)" in section
        assert "Human Rights" not in section


def test_an_unknown_nation_has_no_enforcement_body() -> None:
    with pytest.raises(ValueError, match="unknown nation"):
        enforcement_for("atlantis")


@pytest.mark.django_db
def test_a_fully_compliant_statement_lists_no_non_accessible_content(root: User) -> None:
    values = _values(compliance=Compliance.FULL, problems=(), improvements="", improvements_cy="")
    statement_save(values=values, by=root, expected_version=None)
    page = Client().get(PAGE).text
    assert "This service is fully compliant" in page
    assert "Non-accessible content" not in page
    assert "We do not know of any part of the service" in page
    assert "It was last reviewed" in page


@pytest.mark.django_db
def test_a_welsh_reader_sees_the_welsh_the_deployment_wrote(root: User) -> None:
    statement_save(values=_values(), by=root, expected_version=None)
    page = Client(headers={"accept-language": "cy"}).get(PAGE).text
    assert "Gofalwyr yn y Gwaith" in page
    assert "Cyngor Glan yr Afon" in page
    assert "Mae testun awgrym llwyd yn rhy wan." in page
    assert "Byddwn yn trwsio" in page
    assert "archwilydd allanol" in page
    assert "10 Mawrth 2026" in page
    # No Welsh was written for this problem, so the English stands.
    assert "A chart has no text version." in page
    assert "Grey hint text is too faint." not in page


@pytest.mark.django_db
def test_a_welsh_field_left_blank_falls_back_to_the_english(root: User) -> None:
    statement_save(
        values=_values(service_name_cy="", improvements_cy=""), by=root, expected_version=None
    )
    with translation.override("cy"):
        from accessibility.selectors import statement_for_page

        statement = statement_for_page(language=translation.get_language())
    assert statement is not None
    assert statement.service_name == "Carers at Work"
    assert statement.improvements == "We will fix the contrast by June."
    assert statement.operator_name == "Cyngor Glan yr Afon"


# The service.


@pytest.mark.django_db
def test_publishing_is_audited_and_a_change_names_what_changed(root: User) -> None:
    first = statement_save(values=_values(), by=root, expected_version=None)
    created = AuditEvent.objects.get(object_type="accessibility.accessibilitystatement")
    assert created.action == Action.CREATE
    assert created.actor == root
    assert created.changes["problems"] == [0, 2]

    statement_save(
        values=_values(contact_phone="", problems=_values().problems[:1]),
        by=root,
        expected_version=first.version,
    )
    changed = AuditEvent.objects.filter(action=Action.UPDATE).get()
    assert changed.changes == {"fields": ["contact_phone"], "problems": [2, 1]}
    assert KnownProblem.objects.count() == 1
    assert AccessibilityStatement.objects.get().version == 2


@pytest.mark.django_db
def test_saving_the_same_statement_again_changes_nothing(root: User) -> None:
    first = statement_save(values=_values(), by=root, expected_version=None)
    problem_ids = list(KnownProblem.objects.values_list("pk", flat=True))
    again = statement_save(values=_values(), by=root, expected_version=first.version)
    assert again.version == first.version
    assert list(KnownProblem.objects.values_list("pk", flat=True)) == problem_ids
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_an_edit_from_an_older_copy_is_refused(root: User) -> None:
    first = statement_save(values=_values(), by=root, expected_version=None)
    statement_save(values=_values(contact_phone=""), by=root, expected_version=first.version)
    with pytest.raises(EditConflict):
        statement_save(values=_values(tested_by="us"), by=root, expected_version=first.version)
    assert AccessibilityStatement.objects.get().tested_by == "an outside auditor"


@pytest.mark.django_db
def test_only_a_deployment_admin_may_write_it() -> None:
    person = UserFactory.create(email="hr@example.org", is_staff=True)
    with pytest.raises(RuleError) as refused:
        statement_save(values=_values(), by=person, expected_version=None)
    assert refused.value.code == "not_allowed"
    assert not AccessibilityStatement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"reviewed_on": PREPARED - datetime.timedelta(days=1)}, "reviewed_before_prepared"),
        ({"tested_on": timezone.localdate() + datetime.timedelta(days=1)}, "date_in_future"),
        ({"compliance": Compliance.FULL}, "full_with_problems"),
        ({"problems": ()}, "partial_without_problems"),
        ({"response_days": 0}, "response_days"),
        ({"improvements": "", "improvements_cy": "Rhywbeth"}, "welsh_without_english"),
    ],
)
def test_a_statement_that_does_not_add_up_is_refused_and_nothing_is_saved(
    root: User, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(RuleError) as refused:
        statement_save(values=_values(**overrides), by=root, expected_version=None)
    assert refused.value.code == code
    assert not AccessibilityStatement.objects.exists()
    assert not KnownProblem.objects.exists()
    assert not AuditEvent.objects.exists()


# The admin.


def _admin_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service_name": "Carers at Work",
        "service_name_cy": "",
        "operator_name": "Riverside Council",
        "operator_name_cy": "",
        "contact_email": "access@riverside.example",
        "contact_phone": "",
        "response_days": "5",
        "nation": Nation.NORTHERN_IRELAND,
        "compliance": Compliance.PARTIAL,
        "improvements": "",
        "improvements_cy": "",
        "prepared_on": "2026-03-10",
        "reviewed_on": "",
        "tested_on": "2026-02-20",
        "tested_by": "our own team",
        "tested_by_cy": "",
        "seen_version": "",
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "1000",
        "problems-0-description": "A chart has no text version.",
        "problems-0-description_cy": "",
        "problems-0-criterion": "1.1.1 Non-text Content",
    }
    data.update(overrides)
    return data


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_deployment_admin_fills_it_in_through_the_admin_and_it_is_audited(root: User) -> None:
    client = _signed_in(root)
    response = client.post(ADD, _admin_data())
    assert response.status_code == 302, response.context and response.context["errors"]
    statement = AccessibilityStatement.objects.get()
    assert statement.operator_name == "Riverside Council"
    assert [p.criterion for p in statement.problems.all()] == ["1.1.1 Non-text Content"]
    event = AuditEvent.objects.get(object_type="accessibility.accessibilitystatement")
    assert (event.action, event.actor, event.changes["problems"]) == (Action.CREATE, root, [0, 1])
    assert "Equality Commission for Northern Ireland" in Client().get(PAGE).text
    # One statement only: there is no second to add, and none to delete.
    assert client.get(ADD).status_code == 403


def test_the_admin_refuses_a_review_before_the_preparation_and_saves_nothing(root: User) -> None:
    response = _signed_in(root).post(ADD, _admin_data(reviewed_on="2026-03-01"))
    assert response.status_code == 200
    assert "The review date cannot be before" in response.text
    assert 'value="Riverside Council"' in response.text  # what was typed is kept
    assert not AccessibilityStatement.objects.exists()
    assert not KnownProblem.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_admin_refuses_partial_compliance_with_no_problem_listed(root: User) -> None:
    data = _admin_data(**{"problems-0-description": "", "problems-0-criterion": ""})
    response = _signed_in(root).post(ADD, data)
    assert response.status_code == 200
    assert "List at least one known problem" in response.text
    assert not AccessibilityStatement.objects.exists()


def test_the_admin_form_sent_back_unchanged_changes_nothing(root: User) -> None:
    client = _signed_in(root)
    assert client.post(ADD, _admin_data()).status_code == 302
    statement = AccessibilityStatement.objects.get()
    problem = statement.problems.get()
    change = reverse("admin:accessibility_accessibilitystatement_change", args=[statement.pk])
    data = _admin_data(
        **{
            "seen_version": str(statement.version),
            "problems-INITIAL_FORMS": "1",
            "problems-0-id": str(problem.pk),
            "problems-0-statement": str(statement.pk),
        }
    )
    assert client.post(change, data).status_code == 302
    assert AccessibilityStatement.objects.get().version == statement.version
    assert statement.problems.get().pk == problem.pk
    assert AuditEvent.objects.count() == 1

    # An edit then counts once; a second admin working from the older copy is told.
    assert client.post(change, {**data, "tested_by": "an auditor"}).status_code == 302
    stale = client.post(change, {**data, "tested_by": "someone else"})
    assert stale.status_code == 200
    assert "Someone else saved the statement" in stale.text
    assert AccessibilityStatement.objects.get().tested_by == "an auditor"
    assert AuditEvent.objects.filter(action=Action.UPDATE).count() == 1


def test_admin_staff_who_are_not_deployment_admins_cannot_open_it(client, db):
    """The service takes the statement only from a deployment admin; the admin page must not
    offer a form to anyone it would refuse."""
    from django.contrib.auth.models import Permission

    from organisations.tests.factories import UserFactory

    staff = UserFactory.create(email="staff@example.net", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="accessibility"))
    client.force_login(staff)
    assert client.get("/admin/accessibility/accessibilitystatement/add/").status_code == 403
    assert client.get("/admin/accessibility/accessibilitystatement/").status_code == 403
