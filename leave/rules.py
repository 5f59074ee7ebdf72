"""Who may do what with leave across an organisation. Deny by default: a permission not
listed here is refused by ``rules`` for everyone.

The statutory rules (the law on carer's leave and flexible working) are in
``leave/statutory.py``. Who may see or act on one request is decided with the request in
hand, by the access functions in ``leave/selectors.py``.
"""

import rules

from organisations.rules import is_hr_admin

rules.add_perm("leave.manage_policy", is_hr_admin)
# HR sees every carer's leave and flexible-working request in its organisation.
rules.add_perm("leave.view_all_requests", is_hr_admin)
# The organisation's leave as files and through the API, for HR and payroll systems
# (``leave/payroll.py``): whoever sees every request already.
rules.add_perm("leave.export_leave", is_hr_admin)
