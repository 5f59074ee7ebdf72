"""Pages and API routes fetch what they show through the apps' access functions and selectors
(docs/architecture.md, "Where things live inside an app").

A view that queries a model itself is a second way in that can forget the organisation, the
viewer's permission or the read audit. So the request layer (``views.py``, ``views/``,
``*_views.py``, ``api.py``, ``api/endpoints.py``) may not touch ``<Model>.objects`` or call
``get_object_or_404``: it calls ``access_<object>`` for one protected object and a selector
for lists, which pages and the API share.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _request_layer() -> list[Path]:
    found: list[Path] = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or "site-packages" in path.parts:
            continue
        for module in path.rglob("*.py"):
            parts = module.relative_to(path).parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = module.name
            if (
                name in {"views.py", "api.py", "endpoints.py"}
                or name.endswith("_views.py")
                or "views" in parts[:-1]
            ):
                found.append(module)
    return sorted(found)


def _queries(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(), filename=str(module))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            if isinstance(node.value, ast.Name) and node.value.id[:1].isupper():
                found.append(f"line {node.lineno}: {node.value.id}.objects")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
        ):
            found.append(f"line {node.lineno}: {node.func.id}()")
    return found


def test_the_request_layer_is_found():
    modules = {str(m.relative_to(ROOT)) for m in _request_layer()}
    assert "carershub/views.py" in modules
    assert "api/endpoints.py" in modules
    assert any(m.startswith("passports/views/") for m in modules)
    assert "leave/api.py" in modules


@pytest.mark.parametrize("module", _request_layer(), ids=lambda m: str(m.relative_to(ROOT)))
def test_views_and_routes_fetch_through_access_functions_and_selectors(module):
    found = _queries(module)
    assert not found, (
        f"{module.relative_to(ROOT)} queries models itself; use the app's access function or "
        "a selector:\n" + "\n".join(found)
    )


def test_a_view_that_queries_a_model_is_caught(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "def show(request, pk):\n"
        "    thing = get_object_or_404(Thing, pk=pk)\n"
        "    return Other.objects.filter(thing=thing)\n"
    )
    assert _queries(module) == ["line 2: get_object_or_404()", "line 3: Other.objects"]
