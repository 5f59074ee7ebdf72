"""The attacker, run before anything is shown (docs/insight.md, "Keeping people from being
singled out").

Every figure about to be shown becomes what a reader learns from it: a shown ``v`` says the
exact count is ``v - 2`` to ``v + 2`` (5 says 5 to 7); "fewer than 5" says 0 to 4; "not
shown" says at least 5; a group of fewer than 10 people says nothing but its headcount. The
reader also knows every group's exact headcount, as HR does. For each hidden
figure an integer linear program (``scipy.optimize.milp``) asks for the smallest and largest
value it can still take; a hidden figure whose smallest and largest are the same, and not 0,
has been worked out, and the method hides more until none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from insights.disclosure import ROUND_TO, THRESHOLD, Figure, Hidden


@dataclass(frozen=True)
class Seen:
    """A figure about to be shown for the sum of some unknown exact counts."""

    variables: tuple[int, ...]
    figure: Figure
    #: The group's exact headcount when the figure counts people in a group; None for counts
    #: with no headcount behind them (outcomes of requests).
    staff: int | None = None


def _range(seen: Seen, most: int) -> tuple[int, int]:
    """(lowest, highest) that a reader learns; ``most`` is the sum's largest possible value."""
    figure = seen.figure
    if figure.value is not None:
        if figure.value == 0:
            return 0, 0
        half = ROUND_TO // 2
        low, high = max(THRESHOLD, figure.value - half), figure.value + half
        if seen.staff is not None:
            # Shown carers leave at least THRESHOLD who are not (the complement rule).
            high = min(high, seen.staff - THRESHOLD)
        return low, high
    if figure.hidden == Hidden.SMALL:
        return 0, THRESHOLD - 1
    if figure.hidden == Hidden.SECONDARY:
        return THRESHOLD, most
    return 0, most


def pinned(
    upper: Sequence[int], seen: Sequence[Seen], links: Sequence[tuple[int, int]] = ()
) -> list[int]:
    """The positions in ``seen`` of hidden figures a reader could work out (to a value other
    than 0) from everything in ``seen``. ``upper`` is each unknown's largest possible value;
    ``links`` are pairs of unknowns the reader knows to be equal (a unit that did not change
    from one month to the next)."""
    hidden = [i for i, s in enumerate(seen) if not s.figure.shown]
    if not hidden:
        return []
    size = len(upper)
    matrix = lil_array((len(seen) + len(links), size))
    lows = np.zeros(len(seen) + len(links))
    highs = np.zeros(len(seen) + len(links))
    for row, (a, b) in enumerate(links, start=len(seen)):
        matrix[row, a] = 1
        matrix[row, b] = -1
    for row, s in enumerate(seen):
        most = sum(upper[v] for v in s.variables)
        low, high = _range(s, most)
        for v in s.variables:
            matrix[row, v] = 1
        lows[row], highs[row] = low, high
    constraint = LinearConstraint(matrix.tocsr(), lows, highs)
    bounds = Bounds(np.zeros(size), np.array(upper, dtype=float))
    integrality = np.ones(size)
    out = []
    for i in hidden:
        objective = np.zeros(size)
        objective[list(seen[i].variables)] = 1
        low = milp(objective, constraints=constraint, bounds=bounds, integrality=integrality)
        if low.status != 0 or round(low.fun) == 0:
            continue
        high = milp(-objective, constraints=constraint, bounds=bounds, integrality=integrality)
        if high.status == 0 and round(-high.fun) == round(low.fun):
            out.append(i)
    return out
