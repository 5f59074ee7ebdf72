"""A named hook point: where a lower app lets the apps above it take part without importing
them (docs/architecture.md, "Layers"). ``organisations.hooks`` and ``accounts.hooks`` declare
their points with it and document the rules every point keeps; ``shared.backups`` declares
``stored_name_fields``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator


class Hook[F: Callable[..., object]]:
    """One named hook point: the functions registered on it, in registration order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[F] = []

    def register(self, function: F) -> F:
        """Add ``function`` to the end of the point, once; returns it, so it can decorate."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self) -> Iterator[F]:
        # A copy, so a registration made while the hooks run cannot change this run.
        return iter(tuple(self._functions))

    def __len__(self) -> int:
        return len(self._functions)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} registered>"
