"""Account pages in the permission matrix (carershub/tests/test_permission_matrix.py).

allauth's own pages are listed there, not here: they are the library's.
"""

from __future__ import annotations

from carershub.tests.matrix_kit import ANON, EVERYONE, Spec

MATRIX: dict[str, Spec] = {
    "accounts:settings": Spec("GET", {**dict.fromkeys(EVERYONE, 200), ANON: 302}),
    "accounts:language_settings": Spec("GET", {**dict.fromkeys(EVERYONE, 200), ANON: 302}),
    # The language switcher is for everyone, signed in or not; it goes back to the page.
    "accounts:language": Spec(
        "POST", {**dict.fromkeys(EVERYONE, 302), ANON: 302}, data={"language": "cy", "next": "/"}
    ),
}
