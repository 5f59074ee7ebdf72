from shared.suppression import suppress, suppress_with_total


def test_counts_from_one_to_four_are_hidden_and_zero_is_shown():
    assert [suppress(n).value for n in (0, 1, 4, 5, 120)] == [0, None, None, 5, 120]
    assert str(suppress(3)) == "fewer than 5"
    assert str(suppress(1200)) == "1,200"


def test_a_single_hidden_cell_takes_the_next_smallest_with_it():
    cells, total = suppress_with_total({"ward a": 3, "ward b": 40, "ward c": 12})
    assert {k: c.value for k, c in cells.items()} == {"ward a": None, "ward b": 40, "ward c": None}
    assert total.value == 55


def test_two_hidden_cells_need_no_extra_suppression():
    cells, _total = suppress_with_total({"a": 2, "b": 3, "c": 50})
    assert [c.value for c in cells.values()] == [None, None, 50]


def test_nothing_hidden_when_all_counts_are_large_enough():
    cells, total = suppress_with_total({"a": 5, "b": 6})
    assert [c.value for c in cells.values()] == [5, 6]
    assert total.value == 11


def test_a_small_total_is_hidden_too():
    _cells, total = suppress_with_total({"a": 1, "b": 2})
    assert total.suppressed
