pytest_plugins = [
    "carershub.tests.personas",
    "carershub.tests.smtp",
    "carershub.tests.object_stores",
    "carershub.tests.oidc",
]
