"""The carer's copy of everything held about them as a carer (trust rule 7)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.selectors import actor_name
from learning.public import learning_export, reflection_log_export
from organisations.models import StaffRecord
from passports.models import CarerDeclaration, Passport
from passports.selectors import passport_seen_by
from passports.services import passport_snapshot


def carer_data_export(*, staff: StaffRecord) -> dict[str, Any]:
    declaration = CarerDeclaration.objects.filter(staff=staff).first()
    passport = Passport.objects.filter(staff=staff).select_related("staff__organisation").first()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "organisation": staff.organisation.name,
        "staff_number": staff.staff_number,
        "declaration": None,
        "passport": None,
        # Written by the person alone, and theirs to take (learning.public).
        "reflection_log": (
            reflection_log_export(organisation_id=staff.organisation_id, user_id=staff.user_id)
            if staff.user_id is not None
            else []
        ),
        # Their modules, quiz results and badges: private to them, so theirs to take.
        "learning": (
            learning_export(organisation_id=staff.organisation_id, user_id=staff.user_id)
            if staff.user_id is not None
            else {"modules": [], "quiz_attempts": [], "badges": []}
        ),
    }
    if declaration is not None:
        data["declaration"] = {
            "declared_at": declaration.declared_at.isoformat(),
            "relationship": declaration.relationship,
            "need_kinds": declaration.need_kinds,
            "hours_band": declaration.hours_band,
            "record_on_staff_record": declaration.record_on_staff_record,
            "include_in_counts": declaration.include_in_counts,
        }
    if passport is not None:
        data["passport"] = {
            "draft": {"version": passport.version, **passport_snapshot(passport)},
            "conversations": [
                {
                    "held_on": c.held_on.isoformat(),
                    "notes": c.notes,
                    "recorded_by": c.recorded_by_name,
                    "recorded_at": c.recorded_at.isoformat(),
                }
                for c in passport.conversations.all()
            ],
            "agreed_versions": [
                {
                    "number": v.number,
                    "agreed_at": v.agreed_at.isoformat(),
                    "carer_signed_at": v.carer_signed_at.isoformat(),
                    "manager_signed_at": v.manager_signed_at.isoformat(),
                    "manager": v.manager_name,
                    "content": v.content,
                }
                for v in passport.agreed_versions.all()
            ],
            "shares": [
                {
                    "with": f"{s.with_staff.first_name} {s.with_staff.last_name}",
                    "shared_at": s.shared_at.isoformat(),
                    "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                    "ended_reason": s.ended_reason,
                }
                for s in passport.shares.select_related("with_staff").order_by("shared_at")
            ],
            "changes": [
                {
                    "version": r.version,
                    "by": r.by_name,
                    "at": r.at.isoformat(),
                    "changes": r.changes,
                }
                for r in passport.revisions.all()
            ],
            "seen_by": [
                {
                    "at": e.at.isoformat(),
                    "who": actor_name(
                        actor=e.actor if e.actor_id is not None else None, label=e.actor_label
                    ),
                    "what": e.summary,
                }
                for e in passport_seen_by(passport=passport)
            ],
        }
    return data
