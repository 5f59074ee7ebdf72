"""Search in the permission matrix (carershub/tests/test_permission_matrix.py): any member in
post may search (what they find depends on who they are: search/tests/test_selectors.py);
someone who has left is refused, like every page that is not about their own records."""

from __future__ import annotations

from carershub.tests.matrix_kit import MEMBERS, Spec, page

MATRIX: dict[str, Spec] = {
    "search:results": page(MEMBERS),
}
