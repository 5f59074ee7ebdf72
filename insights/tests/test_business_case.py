"""The business-case calculator: an estimate anyone can check by hand, every default carrying
its source or saying it is the organisation's own assumption, bad input refused with what was
typed kept, shown to HR and the sponsor only, and never a count from 1 to 4."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from insights import business_case
from insights.business_case import DEFAULTS, Inputs, calculate
from insights.forms import BusinessCaseForm
from insights.tests.test_figures import staff
from organisations.tests.factories import UnitFactory


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url_for(org) -> str:
    return reverse("insights:business_case", kwargs={"org_slug": org.slug})


def inputs(**change) -> Inputs:
    values = {
        "headcount": 1000,
        "prevalence": Decimal("14.3"),
        "leave_rate": Decimal("5.1"),
        "replacement_cost": Decimal(30614),
        "absence_days": Decimal(2),
        "daily_cost": Decimal(200),
    }
    return Inputs(**{**values, **change})


# --- the arithmetic ---------------------------------------------------------------------


def test_known_inputs_give_known_savings():
    result = calculate(inputs())
    # 1,000 x 14.3% = 143 carers.
    assert result.carers == 143
    # 143 x 5.1% = 7.293 leavers; x £30,614 = £223,267.902 → £223,268.
    assert result.leavers == Decimal("7.3")
    assert result.retention_saving == Decimal(223268)
    # 143 x 2 days = 286 days; x £200 = £57,200.
    assert result.absence_days_total == Decimal(286)
    assert result.absence_saving == Decimal(57200)
    assert result.total == Decimal(280468)


def test_carers_are_rounded_to_whole_people_halves_up_before_the_money():
    # 150 x 9% = 13.5 → 14; 14 x 10% x £1,000 = £1,400 (not 13.5 x … = £1,350).
    result = calculate(
        inputs(
            headcount=150,
            prevalence=Decimal(9),
            leave_rate=Decimal(10),
            replacement_cost=Decimal(1000),
            absence_days=Decimal("0.5"),
            daily_cost=Decimal("99.99"),
        )
    )
    assert result.carers == 14
    assert result.retention_saving == Decimal(1400)
    # 14 x 0.5 x £99.99 = £699.93 → £700: whole pounds, halves up.
    assert result.absence_saving == Decimal(700)
    assert result.retention_saving.as_tuple().exponent == 0


def test_money_rounds_halves_up():
    assert business_case.pounds(Decimal("2.5")) == Decimal(3)
    assert business_case.pounds(Decimal("3.49")) == Decimal(3)


def test_nothing_in_gives_nothing_out():
    result = calculate(inputs(prevalence=Decimal(0)))
    assert (result.carers, result.total) == (0, Decimal(0))


def test_the_leave_rate_is_derived_from_the_published_figures():
    # 250,000 a year out of about 4.87 million working carers is 5.13%.
    assert business_case.derived_leave_rate() == Decimal("5.1")
    assert business_case.LEAVE_RATE.value == Decimal("5.1")
    assert "Worked out by us" in str(business_case.LEAVE_RATE.note)


# --- the defaults -----------------------------------------------------------------------


def test_published_defaults_carry_their_source():
    for name in ("prevalence", "leave_rate", "replacement_cost"):
        default = DEFAULTS[name]
        assert default.source is not None, name
        assert default.source.url.startswith("https://"), name
        assert str(default.source.title), name
        assert str(default.note), name
    assert DEFAULTS["prevalence"].value == Decimal("14.3")
    assert business_case.PREVALENCE.source == business_case.Source(
        title=business_case.PREVALENCE.source.title if business_case.PREVALENCE.source else "",
        url="https://employersforcarers.org/resources/facts-and-figures",
        year=2019,
    )
    assert DEFAULTS["replacement_cost"].value == Decimal(30614)
    replacement = DEFAULTS["replacement_cost"].source
    assert replacement is not None
    assert replacement.year == 2014


def test_figures_with_no_published_source_say_they_are_illustrative():
    for name in ("absence_days", "daily_cost"):
        default = DEFAULTS[name]
        assert default.source is None
        assert default.illustrative
        assert "Illustrative" in str(default.note)


# --- the page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_form_shows_the_defaults_and_their_sources(world):
    staff(world.org, UnitFactory.create(organisation=world.org, code="W2"), 48, carers=12)
    page = signed_in(world.hr_admin).get(url_for(world.org))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'value="14.3"' in html
    assert 'value="5.1"' in html
    assert 'value="30614"' in html
    for name in ("prevalence", "leave_rate", "replacement_cost"):
        source = DEFAULTS[name].source
        assert source is not None
        assert f'data-source="{name}"' in html
        assert source.url in html
    for name in ("absence_days", "daily_cost"):
        block = html.split(f'data-source="{name}"', 1)[1][:400]
        assert "Your assumption" in block
    assert "This is an estimate" in html
    assert "nothing" in html.lower()


@pytest.mark.django_db
def test_with_no_headcount_to_offer_the_form_waits_for_one_without_an_error(world):
    # The world's few staff are a count under 5: nothing is offered, nothing is shown.
    html = signed_in(world.hr_admin).get(url_for(world.org)).content.decode()
    assert 'data-observed="headcount"' not in html
    assert "govuk-error-summary" not in html
    assert "data-result=" not in html
    assert 'name="headcount" type="text" inputmode="numeric" spellcheck="false" value=""' in html
    assert 'value="14.3"' in html


@pytest.mark.django_db
def test_an_estimate_is_worked_out_from_what_was_sent(world):
    page = signed_in(world.sponsor).get(
        url_for(world.org),
        {
            "headcount": "1,000",
            "prevalence": "14.3%",
            "leave_rate": "5.1",
            "replacement_cost": "£30,614",
            "absence_days": "2",
            "daily_cost": "200",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'data-result="carers">143<', html)
    assert re.search(r'data-result="retention">£223,268<', html)
    assert re.search(r'data-result="absence">£57,200<', html)
    assert re.search(r'data-result="total">£280,468<', html)
    assert "1,000 staff \u00d7 14.3% who are carers = about 143 carers" in html
    assert "£223,268 + £57,200 = £280,468 a year" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("headcount", "-5", "The headcount must be at least 1"),
        ("headcount", "5000000", "The headcount must be 2,000,000 or fewer"),
        ("headcount", "lots", "Enter the headcount as a whole number"),
        ("headcount", "", "Enter how many people work for the organisation"),
        ("prevalence", "120", "cannot be more than 100%"),
        ("prevalence", "-1", "A percentage cannot be less than 0"),
        ("leave_rate", "five", "as a number, like 5.1"),
        ("replacement_cost", "-30614", "The replacement cost cannot be less than £0"),
        ("absence_days", "400", "260 or fewer"),
        ("daily_cost", "NaN", "Enter the daily cost in pounds"),
    ],
)
def test_bad_input_is_refused_with_what_was_typed_kept(world, field, typed, message):
    sent = {
        "headcount": "800",
        "prevalence": "12",
        "leave_rate": "4.5",
        "replacement_cost": "25000",
        "absence_days": "3",
        "daily_cost": "180",
        field: typed,
    }
    page = signed_in(world.hr_admin).get(url_for(world.org), sent)
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert "data-result=" not in html
    for name, value in sent.items():
        assert f'name="{name}"' in html
        assert f'value="{value}"' in html, name


def test_the_form_reads_numbers_as_people_type_them():
    form = BusinessCaseForm(
        {
            "headcount": " 1,200 ",
            "prevalence": "9%",
            "leave_rate": "5.1",
            "replacement_cost": "£30,614.50",
            "absence_days": "1.5",
            "daily_cost": "200",
        }
    )
    assert form.is_valid(), form.errors
    assert form.inputs().headcount == 1200
    assert form.inputs().replacement_cost == Decimal("30614.50")


@pytest.mark.django_db
def test_hr_and_sponsor_may_use_it(world):
    for persona in ("hr_admin", "sponsor"):
        assert signed_in(getattr(world, persona)).get(url_for(world.org)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["carer", "manager", "champion"])
def test_carers_managers_and_champions_may_not(world, persona):
    assert signed_in(getattr(world, persona)).get(url_for(world.org)).status_code == 403


@pytest.mark.django_db
def test_someone_who_has_left_or_another_organisation_is_denied(world):
    assert signed_in(world.leaver).get(url_for(world.org)).status_code == 403
    # Another organisation's page does not exist for them.
    assert signed_in(world.outsider).get(url_for(world.org)).status_code == 404
    signed_out = Client().get(url_for(world.org))
    assert signed_out.status_code == 302


@pytest.mark.django_db
def test_it_is_read_only(world):
    response = signed_in(world.hr_admin).post(url_for(world.org), {"headcount": "10"})
    assert response.status_code == 405


@pytest.mark.django_db
def test_the_figures_page_links_to_it(world):
    html = (
        signed_in(world.hr_admin)
        .get(reverse("insights:figures", kwargs={"org_slug": world.org.slug}))
        .content.decode()
    )
    assert url_for(world.org) in html


# --- the organisation's own figures -----------------------------------------------------


@pytest.mark.django_db
def test_own_figures_are_offered_rounded_with_the_share_as_a_floor(world):
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2")
    staff(world.org, ward, 48, carers=12)
    page = signed_in(world.hr_admin).get(url_for(world.org))
    html = page.content.decode()
    offered = re.search(
        r'data-observed="headcount">([^<]*)<a class="govuk-link" href="([^"]*)"', html
    )
    assert offered is not None
    headcount = re.search(r"show ([\d,]+) staff", offered.group(1))
    assert headcount is not None
    shown = int(headcount.group(1).replace(",", ""))
    assert shown % 5 == 0
    # The form starts from the rounded headcount.
    assert (
        f'name="headcount" type="text" inputmode="numeric" spellcheck="false" value="{shown}"'
        in html
    )
    share = re.search(r'data-observed="prevalence">[^<]*?(\d+)% of staff chose to be counted', html)
    assert share is not None
    assert "floor" in html
    assert f"prevalence={share.group(1)}" in html


@pytest.mark.django_db
def test_a_small_count_of_carers_is_never_offered(world):
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2")
    staff(world.org, ward, 40, carers=3)
    html = signed_in(world.hr_admin).get(url_for(world.org)).content.decode()
    assert 'data-observed="prevalence"' not in html
    offered = re.search(r'data-observed="headcount">([^<]*)<', html)
    assert offered is not None
    numbers = [int(n.replace(",", "")) for n in re.findall(r"[\d,]+", offered.group(1))]
    assert numbers
    assert all(n == 0 or (n >= 5 and n % 5 == 0) for n in numbers)


def test_numbers_read_as_typed():
    from insights.templatetags.business_case import plain

    assert plain(Decimal("14.30")) == "14.3"
    assert plain(Decimal(30614)) == "30,614"
    assert plain(Decimal("200").normalize()) == "200"
    assert plain(Decimal("0.25")) == "0.25"
    assert plain(1200) == "1,200"


@pytest.mark.django_db
def test_the_summary_says_which_figures_are_the_organisations_own(world):
    html = (
        signed_in(world.hr_admin)
        .get(
            url_for(world.org),
            {
                "headcount": "300",
                "prevalence": "9",
                "leave_rate": "5.1",
                "replacement_cost": "30614",
                "absence_days": "2",
                "daily_cost": "180",
            },
        )
        .content.decode()
    )
    rows = {
        label: origin
        for label, origin in re.findall(
            r'<th scope="row"[^>]*>([^<]+)</th><td[^>]*>[^<]*</td><td[^>]*>([^<]+)', html
        )
    }
    assert rows["Share of staff who are carers (%)"].startswith("Your organisation")
    assert rows["Cost of one day of a member of staff (£)"].startswith("Your organisation")
    assert rows["Cost of replacing one member of staff (£)"].startswith("Oxford Economics")
    assert rows["Unplanned absence days each carer would avoid a year"].startswith("Illustrative")


@pytest.mark.parametrize("typed", ["1,5", "14,3", "1,25,0"])
def test_a_decimal_comma_is_refused_not_misread(typed):
    from insights.forms import FriendlyDecimalField

    field = FriendlyDecimalField(required=True)
    with pytest.raises(ValidationError):
        field.clean(typed)


def test_thousands_separators_are_read():
    from insights.forms import FriendlyDecimalField

    assert FriendlyDecimalField(required=True).clean("£30,614") == Decimal("30614")
    assert FriendlyDecimalField(required=True).clean("1,250.5") == Decimal("1250.5")
