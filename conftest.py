pytest_plugins = ["carershub.tests.personas", "carershub.tests.smtp"]
