"""Who may run and who may read an organisation's benchmark self-assessments.

HR admins and organisation admins run them. The executive sponsor and the carer champion
read them: the position, the comparison, the evidence pack and the uploaded documents.
Everyone else is refused; another organisation's assessments are not found at all.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import Organisation, Role
from organisations.rules import is_hr_admin
from organisations.selectors import roles_in


@rules.predicate
def is_sponsor_or_champion(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(roles_in(user=user, organisation=organisation) & {Role.SPONSOR, Role.CHAMPION})


rules.add_perm("benchmarks.view_assessments", is_hr_admin | is_sponsor_or_champion)
rules.add_perm("benchmarks.run_assessments", is_hr_admin)
