"""An attacker who knows everything shown and solves for what is hidden.

The unknowns are exact counts (carers in each unit and hours band, say). Every figure shown
becomes a constraint on a sum of them, and for every hidden figure the attacker asks an
integer linear program (``scipy.optimize.milp``) for the smallest and the largest value it can
take. A hidden figure whose smallest and largest are the same has been worked out.

Two attackers:

- ``informed=False`` reads figures as the page states them: a shown ``v`` means ``v - 2`` to
  ``v + 2`` (5 means 5 to 7), "fewer than 5" means 0 to 4, "not shown" means 0 or more, 0
  means 0.
- ``informed=True`` also uses what the published method implies: "not shown" is 5 or more
  (``disclosure.hide`` says "fewer than 5" for less), and a group whose carers are shown and
  not 0 has at least 5 who are not carers (the complement rule would have hidden it).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from insights.disclosure import ROUND_TO, THRESHOLD, Figure, Hidden

Expr = dict[int, int]


def shown_range(value: int) -> tuple[int, int]:
    """The exact counts a shown figure can stand for."""
    if value == 0:
        return 0, 0
    half = ROUND_TO // 2
    return max(THRESHOLD, value - half), value + half


@dataclass
class HiddenFigure:
    """A hidden figure the attacker tries to pin down, and where it was shown."""

    where: str
    expr: Expr


@dataclass
class Attacker:
    informed: bool = False
    upper: list[int] = field(default_factory=list)
    names: list[Hashable] = field(default_factory=list)
    #: (expression, lowest, highest) for every figure seen.
    rows: list[tuple[Expr, float, float]] = field(default_factory=list)
    #: Expressions known to be 0 or at least THRESHOLD ("not shown", informed only).
    zero_or_more: list[Expr] = field(default_factory=list)
    hidden: list[HiddenFigure] = field(default_factory=list)

    def unknown(self, name: Hashable, *, most: int) -> int:
        """A new unknown count between 0 and ``most`` (an exact headcount the attacker
        knows); returns its index."""
        self.names.append(name)
        self.upper.append(most)
        return len(self.upper) - 1

    def knows(self, expr: Expr, low: int, high: int) -> None:
        """The attacker knows a sum lies between two values from elsewhere."""
        self.rows.append((expr, low, high))

    def equal(self, a: Expr, b: Expr) -> None:
        """The attacker knows two sums are the same (a unit that did not change)."""
        expr = dict(a)
        for index, coefficient in b.items():
            expr[index] = expr.get(index, 0) - coefficient
        self.rows.append((expr, 0, 0))

    def sees(self, where: str, expr: Expr, figure: Figure, *, staff: int | None = None) -> None:
        """A figure shown for the sum ``expr``; ``staff`` is the group's exact headcount when
        the figure is a group's carers (HR knows it)."""
        if figure.value is not None:
            low, high = shown_range(figure.value)
            if self.informed and staff is not None and figure.value > 0:
                high = min(high, staff - THRESHOLD)
            self.rows.append((expr, low, high))
            return
        self.hidden.append(HiddenFigure(where, expr))
        if figure.hidden == Hidden.SMALL:
            # "fewer than 5": 0 to 4 (a hidden 0 says "fewer than 5" too).
            self.rows.append((expr, 0, THRESHOLD - 1))
        elif figure.hidden == Hidden.SECONDARY and self.informed:
            # "not shown" is used for 5 or more only.
            self.rows.append((expr, THRESHOLD, float("inf")))
        # WITHHELD (a group of fewer than 10) says nothing but its size.

    def _problem(self) -> tuple[int, list[LinearConstraint], Bounds, np.ndarray]:
        n = len(self.upper)
        extra = len(self.zero_or_more)
        size = n + extra
        constraints = []
        if self.rows:
            matrix = np.zeros((len(self.rows), size))
            lows, highs = [], []
            for i, (expr, low, high) in enumerate(self.rows):
                for index, coefficient in expr.items():
                    matrix[i, index] += coefficient
                lows.append(low)
                highs.append(high)
            constraints.append(LinearConstraint(matrix, lows, highs))
        for j, expr in enumerate(self.zero_or_more):
            # expr >= THRESHOLD * b and expr <= most * b, with b in {0, 1}.
            most = sum(self.upper[i] * c for i, c in expr.items()) or 1
            matrix = np.zeros((2, size))
            for index, coefficient in expr.items():
                matrix[0, index] = coefficient
                matrix[1, index] = coefficient
            matrix[0, n + j] = -THRESHOLD
            matrix[1, n + j] = -most
            constraints.append(LinearConstraint(matrix, [0, -np.inf], [np.inf, 0]))
        bounds = Bounds(np.zeros(size), np.array(self.upper + [1] * extra, dtype=float))
        return size, constraints, bounds, np.ones(size)

    def _solve(self, expr: Expr, sign: int) -> int | None:
        size, constraints, bounds, integrality = self._problem()
        objective = np.zeros(size)
        for index, coefficient in expr.items():
            objective[index] = sign * coefficient
        result = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
        if result.status != 0:
            return None
        return round(sign * result.fun)

    def feasible(self, truth: Iterable[int]) -> bool:
        """Whether the real counts satisfy what the attacker was told (a check of the model,
        not of the method)."""
        values = list(truth)
        for expr, low, high in self.rows:
            total = sum(values[i] * c for i, c in expr.items())
            if not low <= total <= high:
                return False
        for expr in self.zero_or_more:
            total = sum(values[i] * c for i, c in expr.items())
            if 0 < total < THRESHOLD:
                return False
        return all(0 <= v <= most for v, most in zip(values, self.upper, strict=True))

    def pinned(self, truth: Iterable[int]) -> list[tuple[str, int]]:
        """Every hidden figure the attacker can work out exactly, with its value. The real
        counts ``truth`` are one solution, so a figure is pinned only when no solution gives it
        a smaller value and none a larger: usually one solve settles it."""
        values = list(truth)
        assert self.feasible(values), "the real counts break the attacker's constraints"
        out = []
        seen: set[tuple[tuple[int, int], ...]] = set()
        for hidden in self.hidden:
            key = tuple(sorted(hidden.expr.items()))
            if key in seen:
                continue
            seen.add(key)
            real = sum(values[i] * c for i, c in hidden.expr.items())
            low = self._solve(hidden.expr, 1)
            assert low is not None, "the attacker's constraints have no solution"
            if low < real:
                continue
            high = self._solve(hidden.expr, -1)
            assert high is not None
            # Worked out as 0 says nobody there chose to be counted, which the method shows
            # openly wherever it can: not a disclosure.
            if low == high and low != 0:
                out.append((hidden.where, low))
        return out


def total(indices: Iterable[int]) -> Expr:
    return dict.fromkeys(indices, 1)
