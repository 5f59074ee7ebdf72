"""Permissions for leave. (``leave/rules.py`` holds the statutory rules, so the
``rules`` predicates live here and are registered when the app is ready.)"""

import rules

from organisations.rules import is_hr_admin

rules.add_perm("leave.manage_policy", is_hr_admin)
# HR sees every carer's leave and flexible-working request in its organisation.
rules.add_perm("leave.view_all_requests", is_hr_admin)
