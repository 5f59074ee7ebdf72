"""Who may do what with the staff carer network. Any member in post may read what the network
is and join it; carer champions run it and are the only ones who see who belongs. HR, line
managers and the sponsor hold no power over it as such: a person who is also a champion
holds the champion's. Someone who has left holds no role, so none of this.

Whether someone may read the network's meetings depends on their membership, which is not a
role: ``networks.selectors.access_meeting`` decides it (members and champions)."""

from typing import Any

import rules

from organisations.models import Organisation, Role
from organisations.rules import is_member
from organisations.selectors import roles_in


@rules.predicate
def is_champion(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return Role.CHAMPION in roles_in(user=user, organisation=organisation)


rules.add_perm("networks.view_network", is_member)
rules.add_perm("networks.run_network", is_champion)
