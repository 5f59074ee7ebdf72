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

from collections.abc import Callable, Sequence
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


def _movable(
    upper: Sequence[int],
    seen: Sequence[Seen],
    truth: Sequence[int],
    linked: set[int],
) -> Callable[[int], bool]:
    """A quick proof that a hidden figure is not pinned: two unknowns close to each other
    (sharing their other figures) where one carer can move from one to the other, from the
    real counts, with every figure still true. The real counts are one answer, so this gives
    another in which the hidden figure differs. Most hidden figures are settled this way;
    the rest go to the solver."""
    rows_of: dict[int, list[int]] = {}
    for row, s in enumerate(seen):
        for v in s.variables:
            rows_of.setdefault(v, []).append(row)
    sums = [sum(truth[v] for v in s.variables) for s in seen]
    ranges = [_range(s, sum(upper[v] for v in s.variables)) for s in seen]
    # Unknowns that share their smallest figure but one: siblings to move a carer between.
    by_rows: dict[tuple[int, ...], list[int]] = {}
    for v, rows in rows_of.items():
        for left_out in rows:
            by_rows.setdefault(tuple(r for r in rows if r != left_out), []).append(v)

    def fits(changes: dict[int, int]) -> bool:
        return all(
            ranges[row][0] <= sums[row] + change <= ranges[row][1]
            for row, change in changes.items()
            if change
        )

    def movable(index: int) -> bool:
        mine = set(seen[index].variables)
        for v in mine:
            if v in linked:
                continue
            rows = rows_of.get(v, [])
            for left_out in rows:
                for w in by_rows.get(tuple(r for r in rows if r != left_out), ()):
                    if w in mine or w == v or w in linked:
                        continue
                    for step in (1, -1):
                        if not (
                            0 <= truth[v] + step <= upper[v] and 0 <= truth[w] - step <= upper[w]
                        ):
                            continue
                        changes: dict[int, int] = {}
                        for row in rows:
                            changes[row] = changes.get(row, 0) + step
                        for row in rows_of.get(w, []):
                            changes[row] = changes.get(row, 0) - step
                        if fits(changes):
                            return True
        return False

    return movable


def pinned(
    upper: Sequence[int],
    seen: Sequence[Seen],
    links: Sequence[tuple[int, int]] = (),
    truth: Sequence[int] | None = None,
) -> list[int]:
    """The positions in ``seen`` of hidden figures a reader could work out (to a value other
    than 0) from everything in ``seen``. ``upper`` is each unknown's largest possible value;
    ``links`` are pairs of unknowns the reader knows to be equal (a unit that did not change
    from one month to the next). ``truth``, the real counts, lets most figures be settled
    without the solver."""
    hidden = [i for i, s in enumerate(seen) if not s.figure.shown]
    if truth is not None and hidden:
        linked = {v for pair in links for v in pair}
        movable = _movable(upper, seen, truth, linked)
        hidden = [i for i in hidden if not movable(i)]
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
