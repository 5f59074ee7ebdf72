"""Who may see what of learning across an organisation. Each learner's own pages are open to
any member in post (``organisations.use_organisation``); results are never shown to anyone
else. HR sees completion figures, suppressed like every other figure it sees, and may put the
organisation's own text in place of a lesson, as it looks after the organisation's other
content for staff. Someone who has left holds no role, so neither."""

import rules

from organisations.rules import is_hr_admin

rules.add_perm("learning.view_figures", is_hr_admin)
rules.add_perm("learning.edit_content", is_hr_admin)
