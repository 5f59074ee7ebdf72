"""The hook registry: how feature apps take part in organisations' writes and pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEvent, Channel
from organisations import hooks
from organisations.hooks import HomeCard, HomeViewer
from organisations.models import StaffStatus
from organisations.services import staff_record_mark_left
from shared.hooks import Hook


def test_hooks_run_in_the_order_they_were_registered():
    point: Hook[hooks.RestoreTies] = Hook("example")
    calls = []

    def first(*, organisation_id: int) -> int:
        calls.append("first")
        return 1

    def second(*, organisation_id: int) -> int:
        calls.append("second")
        return 2

    point.register(second)
    point.register(first)
    assert [hook(organisation_id=1) for hook in point] == [2, 1]
    assert calls == ["second", "first"]


def test_registering_a_hook_twice_keeps_it_once_in_its_first_place():
    point: Hook[hooks.RestoreTies] = Hook("example")

    def first(*, organisation_id: int) -> int:
        return 1

    def second(*, organisation_id: int) -> int:
        return 2

    assert point.register(first) is first
    point.register(second)
    point.register(first)
    assert list(point) == [first, second]
    assert len(point) == 2


def test_a_hook_registered_while_the_hooks_run_waits_for_the_next_run():
    point: Hook[hooks.RestoreTies] = Hook("example")

    def late(*, organisation_id: int) -> int:
        return 0

    def registers_another(*, organisation_id: int) -> int:
        point.register(late)
        return 0

    point.register(registers_another)
    assert [hook(organisation_id=1) for hook in point] == [0]
    assert list(point) == [registers_another, late]


def test_the_feature_apps_register_their_hooks_when_django_starts():
    from benchmarks import hooks as benchmarks_hooks
    from commitments import hooks as commitments_hooks
    from communications import hooks as communications_hooks
    from forum import hooks as forum_hooks
    from insights import hooks as insights_hooks
    from learning import hooks as learning_hooks
    from leave import hooks as leave_hooks
    from networks import hooks as networks_hooks
    from organisations.waiting import imports_waiting
    from passports import hooks as passport_hooks
    from passports.services import shares_close_stale, shares_restore_after_import
    from plans import hooks as plans_hooks
    from policies import hooks as policies_hooks
    from signposting import hooks as signposting_hooks

    assert list(hooks.end_stale_ties) == [shares_close_stale]
    assert list(hooks.restore_ties) == [shares_restore_after_import]
    # INSTALLED_APPS lists leave before passports, and ready() runs in that order.
    assert list(hooks.open_ties) == [leave_hooks.open_deputyships, passport_hooks.open_shares]
    assert list(hooks.home_cards) == [
        leave_hooks.home_cards,
        passport_hooks.home_cards,
        plans_hooks.home_cards,
        commitments_hooks.home_cards,
        benchmarks_hooks.home_cards,
        learning_hooks.home_cards,
        networks_hooks.home_cards,
        signposting_hooks.home_cards,
        forum_hooks.home_cards,
        policies_hooks.home_cards,
        communications_hooks.home_cards,
    ]
    assert list(hooks.staff_record_facts) == [passport_hooks.carer_fact]
    assert list(hooks.home_figures) == [insights_hooks.home_figures]
    assert list(hooks.waiting_for) == [
        imports_waiting,
        leave_hooks.waiting_for,
        passport_hooks.waiting_for,
        commitments_hooks.waiting_for,
        learning_hooks.waiting_for,
        networks_hooks.waiting_for,
    ]


def test_learning_puts_badges_on_the_account_page_when_django_starts():
    from accounts import hooks as account_hooks
    from learning import hooks as learning_hooks

    assert list(account_hooks.account_panels) == [learning_hooks.account_panels]


def test_home_cards_show_in_their_declared_order_whatever_the_registration_order(
    world, monkeypatch
):
    point: Hook[hooks.HomeCards] = Hook("home_cards")

    def later(*, viewer: HomeViewer) -> list[HomeCard]:
        return [HomeCard(order=20, template="b.html"), HomeCard(order=10, template="a2.html")]

    def earlier(*, viewer: HomeViewer) -> list[HomeCard]:
        return [HomeCard(order=10, template="a3.html")]

    point.register(later)
    point.register(earlier)
    monkeypatch.setattr(hooks, "home_cards", point)
    viewer = HomeViewer(
        user=world.carer,
        organisation=world.org,
        record=world.carer_record,
        today=timezone.localdate(),
        report_count=0,
    )
    # Equal orders keep registration order.
    assert [card.template for card in hooks.cards_for(viewer)] == ["a2.html", "a3.html", "b.html"]


def test_a_hook_that_fails_undoes_the_whole_write(world, monkeypatch):
    point: Hook[hooks.EndStaleTies] = Hook("end_stale_ties")
    for hook in hooks.end_stale_ties:
        point.register(hook)

    def refuses(*, organisation_id: int, left_by_import: bool) -> int:
        raise RuntimeError("refused")

    point.register(refuses)
    monkeypatch.setattr(hooks, "end_stale_ties", point)
    audited = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="refused"):
        staff_record_mark_left(
            record=world.carer_record, left_on=None, by=world.hr_admin, channel=Channel.WEB
        )
    world.carer_record.refresh_from_db()
    assert world.carer_record.status == StaffStatus.ACTIVE
    assert AuditEvent.objects.count() == audited
