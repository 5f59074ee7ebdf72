from shared.suppression import suppress, suppress_share, suppress_shares, suppress_with_total


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


def test_a_share_hides_its_part_and_rest_together_when_either_is_small():
    shown = suppress_share(8, 13)
    assert (shown.part.value, shown.rest.value, shown.whole.value, shown.percent) == (8, 5, 13, 62)
    few_left = suppress_share(8, 10)
    assert few_left.hidden
    assert (few_left.part.value, few_left.rest.value, few_left.whole.value) == (None, None, None)
    assert few_left.percent is None
    assert (str(few_left.part), str(few_left.rest)) == ("not shown", "fewer than 5")


def test_a_share_of_large_parts_or_of_nobody_is_shown():
    assert suppress_share(6, 11).percent == 55
    assert suppress_share(0, 12).percent == 0
    nobody = suppress_share(0, 0)
    assert (nobody.hidden, nobody.percent, nobody.whole.value) == (False, None, 0)
    small_group = suppress_share(0, 3)
    assert small_group.hidden
    assert small_group.whole.suppressed


def test_one_hidden_row_takes_the_next_smallest_row_with_it():
    shares = suppress_shares({"a": (3, 10), "b": (20, 40), "c": (6, 12)})
    assert [s.hidden for s in shares.values()] == [True, False, True]
    assert [s.whole.value for s in shares.values()] == [None, 40, None]


def test_hidden_rows_that_all_went_the_same_way_take_more_rows_with_them():
    # a and b hold one person each and c ten, none passed: beside the total, hiding a and b
    # (and c for their sum) would still say nobody in them passed. d goes too.
    shares = suppress_shares({"a": (0, 1), "b": (0, 1), "c": (0, 10), "d": (10, 20)})
    assert all(s.hidden for s in shares.values())
    assert all(s.whole.value is None for s in shares.values())


def test_hidden_rows_grow_until_their_sums_give_nothing_small_away():
    # a and b are hidden; together they passed 2 and did not pass 10: c goes too.
    shares = suppress_shares({"a": (1, 6), "b": (1, 8), "c": (9, 14), "d": (30, 60)})
    assert [s.hidden for s in shares.values()] == [True, True, True, False]
    # Two hidden rows whose sums are both 5 or more need nothing more.
    shares = suppress_shares({"a": (3, 10), "b": (4, 10), "c": (30, 60)})
    assert [s.hidden for s in shares.values()] == [True, True, False]


def test_rows_with_nothing_small_are_all_shown():
    shares = suppress_shares({"a": (5, 10), "b": (0, 0), "c": (0, 7)})
    assert not any(s.hidden for s in shares.values())


def test_a_small_whole_takes_the_next_smallest_whole_with_it():
    shares = suppress_shares({"a": (0, 3), "b": (10, 20), "c": (6, 12)})
    assert [str(s.whole) for s in shares.values()] == ["fewer than 5", "20", "not shown"]
    # A hidden whole hides its row's parts, which would add up to it.
    assert [s.hidden for s in shares.values()] == [True, False, True]
