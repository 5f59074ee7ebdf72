"""``scripts/multinode.py`` as a module, for the tests that start a deployment with it (the
multi-node test and the fault tests); scripts/ is not a package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def load_multinode() -> Any:
    spec = importlib.util.spec_from_file_location("multinode", ROOT / "scripts/multinode.py")
    assert spec
    assert spec.loader
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
