"""One naming scheme for addresses (docs/architecture.md, "Where things live inside an app").

Every page of an app is named ``<app>:<name>``, from the app's one ``urls.py`` with
``app_name`` set; only the site's own root pages and the libraries' pages (allauth, the
admin, the API) are bare. And every name the code and templates reverse exists, so a
renamed page cannot leave a link that fails only when its branch renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

#: The site's own pages, named at the root.
SITE = {"home", "healthz", "metrics", "accessibility", "privacy", "switch_organisation"}
#: App label, or package for flexible working, by namespace.
NAMESPACES = {
    "organisations": "organisations",
    "accounts": "accounts",
    "api": "api",
    "leave": "leave",
    "flexible": "leave.flexible",
    "credentials": "credentials",
    "passports": "passports",
    "benchmarks": "benchmarks",
    "plans": "plans",
    "commitments": "commitments",
    "guidance": "guidance",
    "search": "search",
    "learning": "learning",
    "networks": "networks",
    "signposting": "signposting",
    "forum": "forum",
    "policies": "policies",
    "communications": "communications",
    "insights": "insights",
}
_LIBRARIES = ("allauth.", "django.contrib.", "ninja.")
_NOT_SOURCE = {".venv", "node_modules", "build", "var", ".git", "test-results"}


def _patterns(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = ":".join(n for n in (namespace, item.namespace or "") if n)
            yield from _patterns(item.url_patterns, inner)
        elif isinstance(item, URLPattern):
            yield namespace, item.name or "", item


def _allauth_legacy_redirect(pattern: URLPattern) -> bool:
    """allauth's unnamed redirects from its old social account addresses (a plain
    ``RedirectView`` to one of its own pages)."""
    target = getattr(pattern.callback, "view_initkwargs", {}).get("pattern_name") or ""
    return str(target).startswith("socialaccount_")


def test_every_app_page_is_named_in_its_apps_namespace() -> None:
    wrong = []
    for namespace, name, pattern in _patterns(get_resolver().url_patterns):
        module = pattern.lookup_str
        if module.startswith(_LIBRARIES) or namespace.startswith(("admin", "api-v1")):
            continue
        if _allauth_legacy_redirect(pattern):
            continue
        if not namespace:
            if name not in SITE or not module.startswith("carershub."):
                wrong.append(f"{module}: {name!r} is not in its app's namespace")
            continue
        package = NAMESPACES.get(namespace)
        if package is None or not module.startswith(f"{package}."):
            wrong.append(f"{module}: named in namespace {namespace!r}")
        elif not name or name.startswith(f"{namespace.rstrip('s')}_"):
            wrong.append(f"{namespace}:{name}: unnamed, or repeats the namespace")
    assert not wrong, "\n".join(wrong)


_NAMED = re.compile(
    r"""(?:\{%\s*url\s+|\b(?:reverse|reverse_lazy|redirect|resolve_url)\(\s*)(["'])([a-z_:]+)\1"""
)


def _sources() -> Iterator[Path]:
    root = Path(settings.BASE_DIR)
    for suffix in ("py", "html", "txt"):
        for path in root.rglob(f"*.{suffix}"):
            if not set(path.relative_to(root).parts) & _NOT_SOURCE:
                yield path


def test_every_reversed_name_exists() -> None:
    names = {
        f"{namespace}:{name}" if namespace else name
        for namespace, name, _ in _patterns(get_resolver().url_patterns)
        if name
    }
    missing = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _NAMED.finditer(line):
                if match.group(2) not in names:
                    missing.append(f"{path.name}:{number}: {match.group(2)}")
    assert not missing, "No such URL name:\n" + "\n".join(missing)
