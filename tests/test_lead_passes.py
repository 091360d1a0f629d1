"""The test-lead passes: which limitedToTestLeads values are asked for, which leads are kept."""

from __future__ import annotations

import pytest

from tap_linkedin_leads.lead_passes import PassFilter, left_out, passes


@pytest.mark.parametrize(
    ("mode", "asked"),
    [("exclude", [False]), ("only", [True]), ("include", [False, True])],
)
def test_passes_asked_for_each_setting(mode: str, asked: list[bool]) -> None:
    assert passes(mode) == asked


@pytest.mark.parametrize(
    ("mode", "is_test", "out"),
    [
        ("exclude", True, True),
        ("exclude", False, False),
        ("only", True, False),
        ("only", False, True),
        ("include", True, False),
        ("include", False, False),
    ],
)
def test_left_out_follows_the_lead_s_own_test_flag(mode: str, *, is_test: bool, out: bool) -> None:
    assert left_out(mode, is_test=is_test) is out


def _lead(n: int, *, test: bool) -> dict[str, object]:
    return {"id": f"lead-{n}", "testLead": test}


def test_exclude_drops_a_test_lead_that_the_false_pass_returns() -> None:
    kept = PassFilter("exclude")

    assert kept.keeps(_lead(1, test=False), limited=False)
    assert not kept.keeps(_lead(2, test=True), limited=False)


def test_only_drops_a_real_lead_that_the_true_pass_returns() -> None:
    kept = PassFilter("only")

    assert kept.keeps(_lead(1, test=True), limited=True)
    assert not kept.keeps(_lead(2, test=False), limited=True)


def test_include_keeps_a_test_lead_both_passes_return_once() -> None:
    # Where LinkedIn's ``false`` means "all leads", the test lead arrives twice.
    kept = PassFilter("include")

    assert kept.keeps(_lead(1, test=True), limited=False)
    assert kept.keeps(_lead(2, test=False), limited=False)
    assert not kept.keeps(_lead(1, test=True), limited=True)
    assert kept.keeps(_lead(3, test=True), limited=True)


def test_include_keeps_every_test_lead_when_false_means_real_leads_only() -> None:
    kept = PassFilter("include")

    assert kept.keeps(_lead(1, test=False), limited=False)
    assert [kept.keeps(_lead(n, test=True), limited=True) for n in (2, 3)] == [True, True]


def test_a_lead_without_a_test_flag_counts_as_a_real_lead() -> None:
    assert PassFilter("exclude").keeps({"id": "lead-1"}, limited=False)
    assert not PassFilter("only").keeps({"id": "lead-1", "testLead": "true"}, limited=True)
