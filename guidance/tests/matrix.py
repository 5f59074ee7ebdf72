"""The help pages in the permission matrix (carershub/tests/test_permission_matrix.py): open to
everyone, signed in or not, as they hold no organisation's data."""

from __future__ import annotations

from carershub.tests.matrix_kit import EVERYONE, Spec

MATRIX: dict[str, Spec] = {
    "guidance:index": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "guidance:glossary": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "guidance:page": Spec("GET", dict.fromkeys(EVERYONE, 200), lambda t: {"slug": "carers-leave"}),
}
