from collections.abc import Iterator

import pytest

pytest_plugins = [
    "carershub.tests.personas",
    "carershub.tests.smtp",
    "carershub.tests.object_stores",
    "carershub.tests.oidc",
]


@pytest.fixture(autouse=True, scope="session")
def translations_compiled() -> None:
    """The Welsh catalogue compiled as ``make test`` compiles it, for a bare ``pytest`` run."""
    from shared.management.commands.compile_translations import compile_translations

    compile_translations(only_if_stale=True)


@pytest.fixture(autouse=True)
def language_of_the_site() -> Iterator[None]:
    """Each test starts in the site's language. A request activates the reader's language in
    the thread and nothing switches it back (the next request's middleware chooses again), so
    one test's Welsh page would otherwise leave Welsh active for the next test's PDF or email."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
