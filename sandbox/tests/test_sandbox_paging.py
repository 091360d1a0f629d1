"""Unit tests of the withheld-slot model and cursor tokens."""

from __future__ import annotations

import pytest
from linkedin_sandbox.paging import ShortPagePlan, decode_page_token, encode_page_token


@pytest.mark.parametrize("empty_page", [False, True])
@pytest.mark.parametrize("count", [1, 2, 3, 7, 10, 50, 100, 1000])
@pytest.mark.parametrize("n_real", [0, 1, 9, 10, 11, 49, 50, 51, 333, 2500])
def test_walking_by_count_yields_every_position_once(
    n_real: int, count: int, *, empty_page: bool
) -> None:
    plan = ShortPagePlan(empty_page=empty_page)
    total = plan.total(n_real, count)
    assert total >= n_real
    seen: list[int] = []
    sizes = []
    for start in range(0, total, count):
        page = plan.page(start, count, n_real)
        sizes.append(len(page))
        seen.extend(page)
    assert seen == list(range(n_real))
    if sizes:
        assert sizes[-1] > 0  # the last page is never empty
    empties = [i for i, size in enumerate(sizes) if size == 0]
    assert empties == ([1] if empty_page and len(sizes) > 2 else [])


def test_periodic_pattern_makes_short_pages() -> None:
    plan = ShortPagePlan()
    assert len(plan.page(0, 10, 100)) == 9  # slot 7 withheld
    assert len(plan.page(10, 10, 100)) == 9  # slot 19 withheld
    assert len(plan.page(40, 10, 100)) == 10
    assert plan.total(100, 1) == 100  # count 1: nothing withheld
    assert ShortPagePlan(withhold=False).total(100, 10) == 100


@pytest.mark.parametrize("offsets", [(3, 4), (0, 49), (50,), ()])
def test_plan_rejects_adjacent_or_bad_offsets(offsets: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="offsets"):
        ShortPagePlan(offsets=offsets)


def test_page_tokens() -> None:
    token = encode_page_token(200, "abc")
    assert "=" not in token
    assert decode_page_token(token, "abc") == 200
    with pytest.raises(ValueError, match="does not belong"):
        decode_page_token(token, "other")
    with pytest.raises(ValueError, match="malformed"):
        decode_page_token("!!!", "abc")
