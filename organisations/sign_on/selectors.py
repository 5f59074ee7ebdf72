"""Reads for single sign-on: whose provider, whose account, who must use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from accounts.models import User
from organisations.models import (
    Membership,
    Organisation,
    SignOn,
    StaffRecord,
    StaffStatus,
)


def sign_on_for(*, organisation: Organisation) -> SignOn | None:
    return SignOn.objects.select_related("app").filter(organisation=organisation).first()


def sign_on_by_provider_id(provider_id: str) -> SignOn | None:
    """The organisation's provider that a sign-in came back from (allauth's ``provider_id``)."""
    return (
        SignOn.objects.select_related("app", "organisation")
        .filter(app__provider="openid_connect", app__provider_id=provider_id)
        .first()
    )


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def sign_on_for_email(email: str) -> SignOn | None:
    """The one organisation that names this address's domain as its own, else None.

    A domain several organisations share (``nhs.net``) finds none: those staff use the link
    their organisation gives them, so that typing an address never tells who works where.
    """
    domain = email_domain(email)
    if not domain:
        return None
    found = list(
        SignOn.objects.select_related("app", "organisation").filter(
            email_domains__contains=f" {domain} "
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def is_current_in(*, user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` belongs to ``organisation`` now: a role that still carries power, or a
    staff record in post. Someone marked as left is never current (trust rule 10)."""
    if not user.is_active:
        return False
    if has_left_in(user=user, organisation=organisation):
        return False
    return (
        Membership.objects.with_power().filter(user=user, organisation=organisation).exists()
        or StaffRecord.objects.filter(
            organisation=organisation, user=user, status=StaffStatus.ACTIVE
        ).exists()
    )


def has_left_in(*, user: Any, organisation: Organisation) -> bool:
    return StaffRecord.objects.filter(
        organisation=organisation, user=user, status=StaffStatus.LEFT
    ).exists()


Refusal = Literal["unverified", "no_account", "left", "ambiguous"]


@dataclass(frozen=True)
class Match:
    """The account a first sign-in through an organisation's provider reaches, or why none."""

    user: User | None
    refusal: Refusal | None


def account_for_sign_on(*, organisation: Organisation, email: str, verified: bool) -> Match:
    """The one account that a verified work email reaches in ``organisation``.

    The address must be the account's own email (never a staff record's unproven work email),
    the account must be current in this organisation, and it must not be a deployment admin's
    (they sign in with their password and second factor only). A match elsewhere counts for
    nothing: each organisation's provider speaks only for its own staff.
    """
    if not verified:
        return Match(None, "unverified")
    email = email.strip()
    if not email:
        return Match(None, "no_account")
    # Only the account's own address, proven when its invitation was answered: a staff
    # record's work email is typed by HR or brought by an import and proven by nobody, so one
    # wrong address there would hand a person's first sign-in to someone else's account.
    records = StaffRecord.objects.filter(organisation=organisation, user__email__iexact=email)
    members = User.objects.filter(email__iexact=email, memberships__organisation=organisation)
    candidates = set(records.values_list("user_id", flat=True))
    candidates |= set(members.values_list("pk", flat=True))
    if not candidates:
        return Match(None, "no_account")
    if len(candidates) > 1:
        return Match(None, "ambiguous")
    (user_id,) = candidates
    user = User.objects.get(pk=user_id)
    if user.is_superuser or user.is_staff:
        return Match(None, "no_account")
    if is_current_in(user=user, organisation=organisation):
        return Match(user, None)
    if has_left_in(user=user, organisation=organisation):
        return Match(None, "left")
    return Match(None, "no_account")


def sign_on_required_for(*, user: Any) -> SignOn | None:
    """The provider ``user`` must sign in with, if an organisation they are current in requires
    it. Deployment admins (superusers and Django admin staff) always keep their password and
    second factor, so that a broken provider never locks everyone out."""
    if not getattr(user, "pk", None) or user.is_superuser or user.is_staff:
        return None
    required = SignOn.objects.select_related("app", "organisation").filter(
        required=True, organisation_id__in=_organisation_ids(user)
    )
    for sign_on in required.order_by("organisation__name"):
        if is_current_in(user=user, organisation=sign_on.organisation):
            return sign_on
    return None


def _organisation_ids(user: Any) -> list[int]:
    ids = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    ids |= set(StaffRecord.objects.filter(user=user).values_list("organisation_id", flat=True))
    return sorted(ids)


def unproven_domains(*, organisation: Organisation, domains: tuple[str, ...]) -> list[str]:
    """The domains no current member of ``organisation`` has their account's address at.

    A listed domain sends whoever types an address at it to this organisation's provider, so an
    organisation may list only domains its own people are known by: an account's address was
    proven when its invitation email was answered, unlike a staff record's work email.
    """
    powered = Membership.objects.with_power().filter(organisation=organisation)
    return [
        domain
        for domain in domains
        if not powered.filter(user__is_active=True, user__email__iendswith=f"@{domain}").exists()
    ]
