import rules

from organisations.rules import is_hr_admin

rules.add_perm("api.manage_tokens", is_hr_admin)
