"""The one reader of LinkedIn's error wording: ``errors.classify_message``, on real wordings.

Each row says where its wording comes from:
- ``documented``: LinkedIn's own docs (grade A in the API reference's sources);
- ``reported``: quoted by the API reference from issues, Q&A and other codebases (grade B/C);
- ``tests``: the wording the tap's tests and sandbox use where LinkedIn documents none (its
  limits on ``count`` and on the time range, its daily-limit body, are undocumented).
"""

from __future__ import annotations

import typing as t

import pytest

from tap_linkedin_leads.errors import Complaint, classify_message, count_limit


class Row(t.NamedTuple):
    status: int
    code: str | None
    message: str | None
    says: Complaint | None
    source: str


ROWS = [
    # 401: the numeric ``serviceErrorCode`` or ``code`` normally says it; wording is the fallback.
    Row(401, None, "The token used in the request has expired", Complaint.EXPIRED, "reported"),
    Row(
        401,
        None,
        "The token used in the request has been revoked by the user",
        Complaint.REVOKED,
        "reported",
    ),
    Row(401, None, "Invalid access token", None, "reported"),
    Row(401, None, "Empty oauth2_access_token", None, "documented"),
    # 429: the daily quota stops the run; a short throttle is retried.
    Row(
        429,
        "TOO_MANY_REQUESTS",
        "Resource level throttle limit for calls to this resource is reached.",
        None,
        "documented",
    ),
    Row(
        429,
        "TOO_MANY_REQUESTS",
        "Resource level throttle APPLICATION AND MEMBER DAY limit for calls to this resource "
        "is reached.",
        Complaint.DAILY_LIMIT,
        "tests",
    ),
    Row(
        429,
        "APPLICATION_AND_MEMBER_DAY_LIMIT",
        "Too many requests.",
        Complaint.DAILY_LIMIT,
        "tests",
    ),
    Row(429, None, "Daily request limit reached", Complaint.DAILY_LIMIT, "tests"),
    Row(429, None, "Throttled; try again in a few days' time", None, "tests"),
    Row(429, None, None, None, "tests"),
    # 400: what the tap can change about the request.
    Row(
        400,
        None,
        "Invalid param. Please see errorDetails for more information. | submittedAtTimeRange: "
        "Time range must have start and end at most 30 days apart",
        Complaint.TIME_RANGE,
        "tests",
    ),
    Row(400, "ILLEGAL_ARGUMENT", "Invalid time range", Complaint.TIME_RANGE, "tests"),
    Row(400, "ILLEGAL_ARGUMENT", "Date range too long", Complaint.TIME_RANGE, "tests"),
    Row(
        400,
        "ILLEGAL_ARGUMENT",
        "Value of 'count' must not exceed 1000",
        Complaint.PAGE_SIZE,
        "tests",  # The limit (1000 on ad APIs) is reported; this wording is the sandbox's.
    ),
    Row(400, "ILLEGAL_ARGUMENT", "Invalid count parameter", Complaint.PAGE_SIZE, "tests"),
    Row(400, "ILLEGAL_ARGUMENT", "Page size too large", Complaint.PAGE_SIZE, "tests"),
    Row(
        400,
        "ILLEGAL_ARGUMENT",
        "Value of 'pageSize' must not exceed 100",
        Complaint.PAGE_SIZE,
        "tests",
    ),
    Row(
        400,
        None,
        "Invalid param. Please see errorDetails for more information. | fields: Projection not "
        "allowed for this request",
        Complaint.PROJECTION,
        "tests",
    ),
    Row(400, "ILLEGAL_ARGUMENT", "Invalid value for param: owner", None, "tests"),
    Row(400, "ILLEGAL_ARGUMENT", "Invalid finder: search", None, "tests"),
    Row(
        400,
        "VERSION_MISSING",
        "A version must be present. Please specify a version by adding the Linkedin-Version "
        "header.",
        None,
        "reported",
    ),
    Row(
        400,
        None,
        "Invalid param. Please see errorDetails for more information. | owner/value: ERROR :: "
        "/value :: union type is not backed by a DataMap or null",
        None,
        "reported",
    ),
    # Statuses with a meaning of their own: their wording is not read.
    Row(
        403,
        "ACCESS_DENIED",
        "Not enough permissions to access: partnerApiVideosExternal.FINDER-associatedAccount."
        "20260101",
        None,
        "reported",
    ),
    Row(
        403,
        "ACCESS_DENIED",
        "Not enough permissions to access: leadFormResponses count",
        None,
        "tests",
    ),
    Row(426, "NONEXISTENT_VERSION", "Requested version 20250401 is not active", None, "reported"),
    Row(503, None, "Service Unavailable", None, "tests"),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.status}-{r.source}-{r.message}" for r in ROWS])
def test_each_wording_says_what_it_means(row: Row) -> None:
    assert classify_message(row.status, row.code, row.message) is row.says


def test_every_row_names_its_source() -> None:
    assert {row.source for row in ROWS} == {"documented", "reported", "tests"}


def test_a_wording_about_the_time_range_and_the_count_is_about_the_time_range() -> None:
    message = "submittedAtTimeRange too long for count 100"

    assert classify_message(400, None, message) is Complaint.TIME_RANGE


@pytest.mark.parametrize(
    ("message", "asked", "limit"),
    [
        ("Value of 'count' must not exceed 1000", 2000, 1000),
        ("count must be between 1 and 500", 1000, 500),  # The largest number below asked.
        ("Value of 'count' must not exceed 1000", 1000, None),  # Not below what was asked.
        ("Invalid count parameter", 100, None),  # No number: the caller halves.
    ],
)
def test_count_limit_is_the_largest_number_below_the_page_size_asked(
    message: str, asked: int, limit: int | None
) -> None:
    assert count_limit(message, asked) == limit
