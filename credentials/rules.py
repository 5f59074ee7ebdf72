"""Who may manage keys and trust, and verify through the API. Deny by default."""

import rules

from organisations.rules import is_hr_admin, is_org_admin

# Signing keys speak for the whole organisation, so only its admins rotate or revoke them.
rules.add_perm("credentials.manage_signing_keys", is_org_admin)
# Whom to trust decides which credentials from other employers are accepted: an HR decision.
rules.add_perm("credentials.manage_trusted_issuers", is_hr_admin)
# Checking a credential through the API, as an HR system importing one would.
rules.add_perm("credentials.verify", is_hr_admin)
