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


@pytest.fixture(autouse=True)
def memory_caches_emptied() -> None:
    """Each test starts with empty in-memory caches. A test database is rolled back after
    each test and SQLite then hands out the same primary keys again, so a value one test kept
    under an organisation's key (a draft's live evidence, say) would otherwise be read by the
    next test's different organisation with the same key. In production keys are never
    reused."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for each in caches.all(initialized_only=True):
        if isinstance(each, LocMemCache):
            each.clear()
