"""Who may do what with the organisation's policies. Everyone in post reads the published
versions; HR admins and organisation admins write and publish them. Someone who has left holds
no role, so reads none of it: the policies are the organisation's, not the person's own record
(docs/policies.md)."""

import rules

from organisations.rules import is_hr_admin, is_member

VIEW = "policies.view_policies"
MANAGE = "policies.manage_policies"

rules.add_perm(VIEW, is_member)
rules.add_perm(MANAGE, is_hr_admin)
