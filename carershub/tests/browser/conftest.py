# pytest refuses `pytest_plugins` outside the root conftest, so the fixtures are imported here.
from carershub.tests.browser.fixtures import chromium, open_tab, quick_password_hashing

__all__ = ["chromium", "open_tab", "quick_password_hashing"]
