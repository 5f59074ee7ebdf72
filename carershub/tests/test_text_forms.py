"""Every form applies the text rule (shared/text.py) to every text answer.

The rule lives in one base, ``shared.forms.TextRuleForm``; the sweep below finds every
form class the project defines, wherever it is, so a new form cannot leave it out.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from carershub.tests.personas import TOTP_SECRET
from organisations.models import Organisation, Unit
from organisations.tests.factories import UserFactory
from passports.models import Passport
from passports.tests.helpers import declared
from shared.forms import PlainForm, TextRuleForm, takes_text

ROOT = Path(settings.BASE_DIR).resolve()


def _project_configs():
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and "site-packages" not in path.parts:
            yield config


def _project_modules():
    for config in _project_configs():
        package = importlib.import_module(config.name)
        yield package.__name__
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            if ".management" in info.name:
                continue
            importlib.import_module(info.name)
            yield info.name


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_forms():
    modules = set(_project_modules())
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__ in modules and cls is not TextRuleForm
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


FORMS = _project_forms()


def test_the_sweep_finds_the_project_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"AboutForm", "StaffRecordForm", "CarersLeaveForm", "PlanRowForm"} <= names
    assert len(FORMS) > 40


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_form_applies_the_text_rule(form_class):
    assert issubclass(form_class, TextRuleForm), (
        f"{form_class.__module__}.{form_class.__name__} must be built on GovukForm, "
        "GovukModelForm or PlainForm (shared.forms) so its text answers follow the text rule"
    )


def _project_admins():
    labels = {config.label for config in _project_configs()}
    found = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in labels
    ]
    return sorted(found, key=str)


@pytest.mark.parametrize("model_admin", _project_admins(), ids=str)
def test_every_admin_form_that_takes_text_applies_the_rule(model_admin, db):
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        return  # read-only in the admin
    for form_class in (
        model_admin.get_form(request),
        model_admin.get_form(request, obj=model_admin.model(), change=True),
    ):
        if any(takes_text(field) for field in form_class.base_fields.values()):
            assert issubclass(form_class, TextRuleForm), f"{model_admin}: form = AdminModelForm"


def test_an_organisation_renamed_in_the_admin_loses_a_pasted_control_character(client, world):
    superuser = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(superuser, TOTP_SECRET)
    client.force_login(superuser)
    org = world.org
    url = reverse("admin:organisations_organisation_change", args=[org.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, (list, dict))
    }
    data["name"] = "Home\x1b Trust\u202e"
    response = client.post(url, data)
    assert response.status_code == 302, (response.status_code, response.get("Location"))
    assert Organisation.objects.get(pk=org.pk).name == "Home Trust"


class _Sample(PlainForm):
    title = forms.CharField(max_length=7)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    code = forms.CharField(required=False, disabled=True, initial="\x01kept")


def test_a_single_line_loses_what_is_not_text_before_its_length_is_counted():
    form = _Sample(data={"title": "Ann\x1b\x0bLee"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Ann Lee"


def test_a_text_area_keeps_its_lines_as_line_feeds():
    form = _Sample(data={"title": "x", "notes": "one\r\ntwo\x0bthree"})
    assert form.is_valid()
    assert form.cleaned_data["notes"] == "one\ntwo\nthree"


def test_a_text_area_refuses_a_control_character_against_its_field():
    form = _Sample(data={"title": "x", "notes": "fine\r\nnot\x1b fine"})
    assert not form.is_valid()
    assert form.errors["notes"] == [
        "Notes has a hidden control character (U+001B) on line 2 that cannot be shown or "
        "printed. Retype that line."
    ]
    assert form.errors.as_data()["notes"][0].code == "control_character"


def test_a_password_and_a_disabled_field_are_left_as_they_are():
    password = "Zoe\u0308\tpass\x01"
    form = _Sample(data={"title": "x", "password": password})
    assert form.is_valid()
    assert form.cleaned_data["password"] == password
    assert form.cleaned_data["code"] == "\x01kept"


def test_a_field_clean_method_sees_the_cleaned_value():
    class WithClean(_Sample):
        def clean_title(self) -> str:
            assert self.cleaned_data["title"] == "Zoë"
            return "checked"

    form = WithClean(data={"title": "Zoe\u0308"})
    assert form.is_valid()
    assert form.cleaned_data["title"] == "checked"


def test_a_refused_paste_on_a_page_is_in_the_error_summary_and_what_was_typed_is_kept(
    client, world
):
    passport = declared(world)
    client.force_login(world.carer)
    url = reverse("passports:edit_about", kwargs={"org_slug": world.org.slug, "pk": passport.pk})
    response = client.post(
        url,
        {
            "version": passport.version,
            "about_caring": "I help my dad.\r\nMornings\x1b[31m are hard.",
            "plan_b_contacts": "",
            "plan_b_at_work": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "About my caring role has a hidden control character (U+001B) on line 2" in html
    assert 'href="#id_about_caring"' in html
    assert "Mornings\x1b[31m are hard." in html
    assert Passport.objects.get(pk=passport.pk).about_caring == "I help my dad most mornings."


def test_a_single_line_pasted_with_a_control_character_is_saved_without_it(client, world):
    client.force_login(world.hr_admin)
    url = reverse("organisations:unit_list", kwargs={"org_slug": world.org.slug})
    response = client.post(url, {"code": "WARD\x007", "name": "Ward\x0bseven\u202e", "parent": ""})
    assert response.status_code == 302
    unit = Unit.objects.get(organisation=world.org, code="WARD7")
    assert unit.name == "Ward seven"
