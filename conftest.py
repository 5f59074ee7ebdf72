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
