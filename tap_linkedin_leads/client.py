"""Base stream: LinkedIn headers, Rest.li URLs, error handling and retries.

Streams fill the SDK's request hooks (``path``, ``get_url_params``) with Rest.li values,
which :class:`~tap_linkedin_leads.restli.RestliRequest` encodes. This class decides, from
LinkedIn's status and error ``code``, whether to retry, refresh the token or stop with a
message that names the setting or the owner to fix.
"""

from __future__ import annotations

import logging
import sys
import typing as t
from dataclasses import dataclass
from functools import cached_property, partial
from http import HTTPStatus

import requests
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams.rest import PageContext, RESTStream
from typing_extensions import override

from tap_linkedin_leads.errors import (
    AccessDeniedError,
    ApiVersionRetiredError,
    Complaint,
    DailyLimitError,
    LinkedInTapError,
    NotFoundError,
    RequestRejectedError,
    RetriesExhaustedError,
    UnreadableRecordError,
    classify_message,
)
from tap_linkedin_leads.pagination import CursorPaginator, OffsetPaginator, read_paging
from tap_linkedin_leads.payload import (
    UnreadableBodyError,
    dig,
    json_int,
    parse_payload,
    payload_of,
)
from tap_linkedin_leads.restli import RestliRequest, RestliValue, encode_leaf
from tap_linkedin_leads.scheduler import PlannedRequest

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterable

    from backoff.types import Details
    from singer_sdk import Tap
    from singer_sdk.helpers.types import Context, RequestFunc

    from tap_linkedin_leads.auth import LinkedInAuthenticator
    from tap_linkedin_leads.progress import StreamProgress
    from tap_linkedin_leads.run import Run
    from tap_linkedin_leads.scheduler import RequestKey, RequestScheduler

__all__ = ["LinkedInStream"]

#: Longest wait between retries, whether from ``Retry-After`` or the exponential schedule.
MAX_RETRY_WAIT_SECONDS = 120.0
_MAX_MESSAGE_CHARS = 300

#: 401 ``serviceErrorCode`` values, for bodies without the newer ``code`` field.
_AUTH_SERVICE_CODES = {
    65600: "INVALID_ACCESS_TOKEN",
    65601: "REVOKED_ACCESS_TOKEN",
    65602: "EXPIRED_ACCESS_TOKEN",
}


#: 401 codes for bodies that only say it in words.
_AUTH_CODES_BY_WORDING: dict[Complaint | None, str] = {
    Complaint.EXPIRED: "EXPIRED_ACCESS_TOKEN",
    Complaint.REVOKED: "REVOKED_ACCESS_TOKEN",
}


class _TokenRefreshedError(RetriableAPIError):
    """The request failed on an expired token that has now been refreshed: retry at once."""


class _VersionRetiredError(Exception):
    """426 ``NONEXISTENT_VERSION``: the version the request carried is retired.

    Not retriable by itself: the request is sent again only once a live version is known.
    """

    def __init__(self, sent: str, linkedin_message: str | None) -> None:
        super().__init__(sent)
        self.sent = sent
        self.linkedin_message = linkedin_message


@dataclass(frozen=True)
class _Answer:
    """What one request came to: a response, or an error that is not about the version."""

    response: requests.Response | None = None
    error: LinkedInTapError | None = None

    def unwrap(self) -> requests.Response:
        if self.error is not None:
            raise self.error
        assert self.response is not None
        return self.response


#: Answers that prove LinkedIn served the version the request carried.
_SERVED_BUT_REFUSED = (AccessDeniedError, NotFoundError, RequestRejectedError)


def _linkedin_error(response: requests.Response) -> tuple[str | None, str | None]:
    """LinkedIn's error ``code`` and message (shortened), if the body has them.

    The message includes the newer envelope's ``errorDetails.inputErrors`` (field path and
    description), which say which parameter LinkedIn objected to.
    """
    try:
        body = response.json()
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    code = body.get("code")
    if not isinstance(code, str):
        # Older bodies carry only the numeric code; the 401 ones map to their names.
        number = json_int(body.get("serviceErrorCode"))
        code = _AUTH_SERVICE_CODES.get(number) if number is not None else None
    parts = [body["message"].strip()] if isinstance(body.get("message"), str) else []
    inputs = dig(body, "errorDetails", "inputErrors")
    for item in inputs if isinstance(inputs, list) else []:
        if not isinstance(item, dict):
            continue
        path = dig(item, "input", "inputPath", "fieldPath")
        description = item.get("description")
        parts.append(": ".join(str(p) for p in (path, description) if p))
    text = " | ".join(part for part in parts if part)[:_MAX_MESSAGE_CHARS]
    return code, text or None


def _retry_after_seconds(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # An HTTP-date; fall back to the exponential schedule.


class LinkedInStream(RESTStream[t.Any]):
    """A stream over LinkedIn's versioned REST API (``/rest``)."""

    #: Name of the LinkedIn resource, used in messages and request metrics.
    endpoint: str = ""
    #: What the records are called in progress lines.
    record_noun: str = "records"
    #: Log a progress line as each owner is done (else one line for the stream).
    progress_per_owner: bool = False

    # Records are parsed JSON (only JSON types) and derived fields are built with their
    # schema types, so the SDK's conformance pass has nothing to convert; it would cost more
    # than the rest of the sync. Fields outside the schema are dropped in ``post_process``.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    def __init__(self, tap: Tap, run: Run) -> None:
        """A stream of ``tap`` that takes its settings and shared parts from ``run``."""
        super().__init__(tap)
        self.run = run
        self.progress: StreamProgress = run.progress.stream(
            self.name, noun=self.record_noun, per_owner=self.progress_per_owner
        )
        self._accepted = False

    @override
    @property
    def url_base(self) -> str:
        return self.run.settings.api_url

    @override
    @property
    def authenticator(self) -> LinkedInAuthenticator:
        # One authenticator for the whole run: the token is refreshed once, not per stream.
        return self.run.authenticator

    @override
    @property
    def http_headers(self) -> dict[str, str]:
        settings = self.run.settings
        return {
            # Set again on every attempt (see ``request_decorator``): the version may change
            # while a request waits for its retry.
            "LinkedIn-Version": self.run.api_versions.current(),
            "X-Restli-Protocol-Version": "2.0.0",
            "User-Agent": settings.user_agent,
        }

    @override
    @property
    def timeout(self) -> int:
        return self.run.settings.request_timeout

    # Records

    def add_derived_fields(self, row: dict[str, t.Any]) -> None:
        """Add the fields the tap derives for this stream (none by default)."""
        del row

    @override
    def post_process(
        self,
        row: dict[str, t.Any],
        context: Context | None = None,
    ) -> dict[str, t.Any] | None:
        self.add_derived_fields(row)
        for key in self.primary_keys:
            if row.get(key) is None:
                # Without its key a record cannot be deduplicated or updated downstream.
                msg = (
                    f"{self.name}: LinkedIn sent a record without its key `{key}`"
                    f"{self.describe_record(row)}, so it cannot be synced."
                )
                raise UnreadableRecordError(msg)
        return self.schema_fields(row)

    def describe_record(self, row: dict[str, t.Any]) -> str:
        """Non-personal details that identify a record in an error (none by default)."""
        del row
        return ""

    def schema_fields(self, row: dict[str, t.Any]) -> dict[str, t.Any]:
        """``row`` without top-level fields the schema does not know (named once in a warning).

        LinkedIn adds fields over time; a target given an undeclared column may fail, so they
        are left out until the schema declares them.
        """
        known = self._known_fields
        if row.keys() <= known:
            return row
        unknown = sorted(row.keys() - known)
        new = [name for name in unknown if name not in self._reported_unknown]
        if new:
            self._reported_unknown.update(new)
            self.logger.warning(
                "LinkedIn sent fields the %s schema does not declare; they are left out: %s",
                self.name,
                ", ".join(new),
            )
        return {key: value for key, value in row.items() if key in known}

    @cached_property
    def _known_fields(self) -> frozenset[str]:
        return frozenset(self.schema.get("properties", {}))

    @cached_property
    def _reported_unknown(self) -> set[str]:
        return set()

    @override
    def log(self, message: str, *args: t.Any, level: int = logging.INFO, **kwargs: t.Any) -> None:
        # The SDK logs "An unhandled error occurred while syncing '<stream>'" for every
        # stream an error passes through (a lead stream and its parent: two lines). The
        # tap's own errors are logged once, as one complete sentence, so those go unsaid.
        if level >= logging.ERROR and isinstance(sys.exc_info()[1], LinkedInTapError):
            return
        super().log(message, *args, level=level, **kwargs)

    # Request building: the SDK's hooks, with the query kept in Rest.li form

    #: Whether the stream pages with ``start``/``count`` (``page_size``); else with
    #: LinkedIn's ``pageToken``.
    offset_paged: bool = False
    #: Rest.li reads one entity at ``{path}/{key}``: the context key that holds the key
    #: (e.g. ``account_id`` for ``/adAccounts/123``). ``None``: the stream reads collections only.
    entity_key: str | None = None
    #: ``count`` sent to this stream's offset finder once LinkedIn refused a larger one.
    _lowered_page_size: int | None = None

    @property
    def page_size(self) -> int:
        """The ``count`` for this stream's offset pages: ``page_size``, or what LinkedIn allows."""
        return self._lowered_page_size or self.run.settings.page_size

    def owner_label(self, context: Context | None) -> str:
        """How messages name the owner a request is for (overridden by owner streams)."""
        del context
        return "this token"

    def reads_entity(self, context: Context | None) -> bool:
        """Whether a request in ``context`` reads one entity by its key (see ``entity_key``)."""
        return self.entity_key is not None and self.entity_key in (context or {})

    @override
    def get_url(self, context: Context | None) -> str:
        # The SDK fills the placeholders of ``path`` from the context
        # (``/adAccounts/{account_id}/adCampaigns``); a single entity's key is a path
        # segment of its own, percent-encoded in full.
        url = super().get_url(context)
        if not self.reads_entity(context):
            return url
        key = (context or {})[t.cast("str", self.entity_key)]
        return f"{url}/{encode_leaf(str(key))}"

    @override
    def get_url_params(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> dict[str, RestliValue | None]:
        """Query parameters, in Rest.li form, for one page (``None`` values are left out)."""
        del context, next_page_token
        return {}

    @override
    def get_http_request(self, *, page: PageContext[t.Any]) -> RestliRequest:
        # The SDK's request, except that its query is encoded in Rest.li syntax.
        context = page.stream_context
        params: dict[str, t.Any] = {**self.get_url_params(context, page.next_page_token)}
        return RestliRequest(
            url=self.get_url(context),
            method=self.http_method,
            headers=self.http_headers,
            params=params,
        )

    @override
    def get_new_paginator(self) -> OffsetPaginator | CursorPaginator:
        # A single entity's answer has neither ``elements`` nor ``nextPageToken``: either
        # paginator stops after it.
        return OffsetPaginator(self.page_size) if self.offset_paged else CursorPaginator()

    # Sending: through the run's scheduler, which may send a request ahead in a worker

    def prepare_page(
        self, context: Context | None, next_page_token: t.Any
    ) -> requests.PreparedRequest:
        """The request for one page, exactly as it goes on the wire (main thread only)."""
        request = self.get_http_request(
            page=PageContext(stream_context=context, next_page_token=next_page_token)
        )
        return self.build_prepared_request(
            method=request.method,
            url=request.url,
            params=request.encode_params(),
            headers=request.headers,
        )

    @property
    def accepted(self) -> bool:
        """Whether LinkedIn has answered one of this stream's requests with success.

        Until then nothing is sent ahead for the stream: what a first refusal teaches (a
        lower page size, a shorter time range, another finder) is learned from one
        request, not from one per owner in flight.
        """
        return self._accepted

    def first_requests(self, context: Context | None) -> list[PlannedRequest]:
        """The first request of each page sequence a sync of ``context`` reads, in order.

        None before LinkedIn has accepted a request of this stream (see :attr:`accepted`).
        """
        if not self._accepted:
            return []
        return [self.planned(context, self.get_new_paginator().current_value)]

    def planned(self, context: Context | None, next_page_token: t.Any) -> PlannedRequest:
        """One page's request, ready to be sent ahead by the run's scheduler."""
        prepared = self.prepare_page(context, next_page_token)
        # The retrying sender is looked up here, in the main thread: a cached property
        # first read by two workers at once would be built twice.
        send = self._send_with_retries
        return PlannedRequest(_request_key(prepared), partial(send, prepared, context))

    @cached_property
    def _send_with_retries(self) -> RequestFunc:
        """Send one request with its retries, in whichever thread calls it."""
        return self.request_decorator(self._send_once)

    def _send_once(
        self, prepared: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """One attempt: after any shared pause, on this thread's session."""
        scheduler = self.run.scheduler
        scheduler.before_send()
        response = scheduler.session().send(
            self.authenticator(prepared),
            timeout=self.timeout,
            allow_redirects=self.allow_redirects,
        )
        # The SDK's ``http_request_duration`` METRIC line: it only formats and logs, so
        # any thread may write it.
        self._write_request_duration_log(
            endpoint=self.path, response=response, context=context, extra_tags=None
        )
        self.check_response(response, self.owner_label(context))
        return response

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        # The SDK's paging loop, with each response fetched through the run's scheduler.
        # Once an offset page has given ``paging.total``, the pages after it are sent
        # ahead; they are still consumed here one by one, in order, and the paginator
        # still decides from each page which one comes next.
        paginator = self.get_new_paginator()
        scheduler = self.run.scheduler
        ahead = _PagesAhead(self, context, scheduler)
        pages = 0
        with self.get_http_request_counter() as request_counter:
            request_counter.with_context(context)
            try:
                while not paginator.finished:
                    planned = self.planned(context, paginator.current_value)
                    response = scheduler.fetch(planned.key, planned.send)
                    self._accepted = True
                    request_counter.increment()
                    if isinstance(paginator, OffsetPaginator) and not ahead.planned:
                        ahead.plan(paginator.offsets_after(response))
                    ahead.top_up()
                    records = list(self.parse_response(response))
                    if not records:
                        if paginator.continue_if_empty(response):
                            paginator.advance(response)
                            continue
                        self.log(
                            "Pagination stopped after %d pages because no records were "
                            "found in the last response",
                            pages,
                        )
                        break
                    self.before_page(records, context)
                    yield from records
                    pages += 1
                    paginator.advance(response)
            finally:
                ahead.discard()

    # Responses

    def before_page(self, records: list[dict[str, t.Any]], context: Context | None) -> None:
        """Called with a page's records before the first is yielded (nothing by default)."""
        del records, context

    def check_response(self, response: requests.Response, owner: str) -> None:
        """Raise the error LinkedIn's answer calls for; ``owner`` names whom it was for.

        A ``Retry-After`` on a 429 pauses every request of the run, not only this one.
        """
        status = response.status_code
        endpoint = self.endpoint or self.name
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            self.run.progress.count_rate_limited()
        if status < HTTPStatus.BAD_REQUEST:
            try:
                parse_payload(response)
            except UnreadableBodyError as exc:
                raise RetriableAPIError(f"{endpoint}: {exc}", response) from None
            self.authenticator.note_success()
            return

        code, message = _linkedin_error(response)
        complaint = classify_message(status, code, message)
        if status == HTTPStatus.UNAUTHORIZED:
            # Bodies with neither ``code`` nor a known number: the wording says which.
            code = code or _AUTH_CODES_BY_WORDING.get(complaint)
            self.authenticator.handle_rejected(code, response.request.headers.get("Authorization"))
            msg = f"{endpoint}: access token refreshed after {code or '401'}; retrying"
            raise _TokenRefreshedError(msg, response)
        if status == HTTPStatus.UPGRADE_REQUIRED:
            sent = response.request.headers.get("LinkedIn-Version") or ""
            if code == "NONEXISTENT_VERSION":
                raise _VersionRetiredError(sent, message)
            raise ApiVersionRetiredError(sent, message)
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            if complaint is Complaint.DAILY_LIMIT:
                raise DailyLimitError(endpoint)
            if (wait := _retry_after_seconds(response)) is not None:
                self.run.scheduler.pause.extend(min(wait, MAX_RETRY_WAIT_SECONDS))
            raise RetriableAPIError(f"{endpoint}: 429 rate limited", response)
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise RetriableAPIError(f"{endpoint}: {status} {response.reason}", response)
        if status == HTTPStatus.FORBIDDEN:
            raise AccessDeniedError(owner, endpoint, message)
        if status == HTTPStatus.NOT_FOUND:
            msg = (
                f"LinkedIn answered 404 for {endpoint} ({owner}): it does not exist or is not "
                "visible to the authorizing member. Check the id in the tap's settings."
            )
            raise NotFoundError(msg)
        detail = f" {code}" if code else ""
        said = f": {message}" if message else ""
        msg = (
            f"LinkedIn rejected the {endpoint} request for {owner} ({status}{detail}){said}. "
            "This is not retried."
        )
        raise RequestRejectedError(msg, message, complaint=complaint)

    @override
    def response_error_message(self, response: requests.Response) -> str:
        # Never the body: for lead endpoints it is personal data.
        return f"{self.endpoint or self.name}: HTTP {response.status_code} {response.reason}"

    def elements(self, response: requests.Response) -> list[dict[str, t.Any]]:
        """The ``elements`` array of a collection response.

        A page without an ``elements`` list, or an element that is not a JSON object, stops
        the sync with a message naming it: read as an empty page, it would lose leads while
        the bookmark moved past them.
        """
        payload = payload_of(response)
        elements = payload.get("elements") if isinstance(payload, dict) else None
        endpoint = self.endpoint or self.name
        if elements is None:
            msg = f"{endpoint}: LinkedIn's answer has no `elements` list."
            raise UnreadableRecordError(msg)
        if not isinstance(elements, list):
            msg = f"{endpoint}: `elements` in LinkedIn's answer is not a list."
            raise UnreadableRecordError(msg)
        for position, item in enumerate(elements):
            if not isinstance(item, dict):
                msg = (
                    f"{endpoint}: element {position} of the page is a {type(item).__name__}, "
                    "not an object, so it cannot be synced."
                )
                raise UnreadableRecordError(msg)
        self.progress.page_read(len(elements), read_paging(payload))
        return elements

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        if self.entity_key is not None:
            payload = payload_of(response)
            if isinstance(payload, dict) and "elements" not in payload and "id" in payload:
                return [payload]  # One entity read by its key.
        return self.elements(response)

    # Retries

    @override
    def request_decorator(self, func: RequestFunc) -> RequestFunc:
        endpoint = self.endpoint or self.name

        def counted(*args: t.Any, **kwargs: t.Any) -> requests.Response:
            # Inside the retry loop, so each attempt is counted as the call it is.
            self.run.progress.count_call(endpoint)
            return func(*args, **kwargs)

        retrying = super().request_decorator(counted)

        def give_up_clearly(
            request: requests.PreparedRequest, context: Context | None
        ) -> requests.Response:
            try:
                return retrying(request, context)
            except (RetriableAPIError, requests.exceptions.RequestException, OSError) as exc:
                if isinstance(exc, LinkedInTapError):
                    raise
                reason = str(exc) if isinstance(exc, RetriableAPIError) else type(exc).__name__
                msg = (
                    f"LinkedIn did not answer {self.endpoint or self.name} for "
                    f"{self.owner_label(context)} after {self.backoff_max_tries()} attempts "
                    f"(last: {reason}). Check `api_url` "
                    "and the network, or raise `max_retries`; the next run resumes from the "
                    "last STATE."
                )
                raise RetriesExhaustedError(msg) from exc

        def probe(
            version: str, request: requests.PreparedRequest, context: Context | None
        ) -> _Answer | None:
            """The request sent with ``version``; ``None`` if LinkedIn refuses that version."""
            request.headers["LinkedIn-Version"] = version
            try:
                return _Answer(give_up_clearly(request, context))
            except _VersionRetiredError:
                return None
            except _SERVED_BUT_REFUSED as exc:
                # The version is served; this request failed for a reason of its own.
                return _Answer(error=exc)

        def send(request: requests.PreparedRequest, context: Context | None) -> requests.Response:
            versions = self.run.api_versions
            version = versions.current()
            while True:
                request.headers["LinkedIn-Version"] = version
                try:
                    response = give_up_clearly(request, context)
                except _VersionRetiredError as retired:
                    version, answer = versions.replace_retired(
                        retired.sent,
                        lambda candidate: probe(candidate, request, context),
                        retired.linkedin_message,
                    )
                    if answer is None:
                        continue  # Another request found the version meanwhile: send again.
                    response = answer.unwrap()
                versions.note_served(version)
                return response

        return send

    @override
    def backoff_max_tries(self) -> int:
        return self.run.settings.max_retries + 1

    @override
    def backoff_jitter(self, value: float) -> float:
        return value  # The schedule below is already deterministic and capped.

    @override
    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        return self._wait_schedule()

    def _wait_schedule(self) -> Generator[float, t.Any, None]:
        """Honour ``Retry-After`` when LinkedIn sends it; otherwise double from the base."""
        base = self.run.settings.retry_backoff_seconds
        attempt = 0
        exc = yield 0.0  # Primed by ``backoff`` with ``send(None)``.
        while True:
            if isinstance(exc, _TokenRefreshedError):
                exc = yield 0.0
                continue
            response = getattr(exc, "response", None)
            wait = _retry_after_seconds(response)
            if wait is None:
                wait = base * (2**attempt)
            attempt += 1
            exc = yield min(wait, MAX_RETRY_WAIT_SECONDS)

    @override
    def backoff_handler(self, details: Details) -> None:
        self.run.progress.count_retry()
        exc = details.get("exception")
        reason = str(exc) if isinstance(exc, RetriableAPIError) else type(exc).__name__
        self.log(
            "Retrying %s (attempt %d of %d) in %.1f s after: %s",
            self.endpoint or self.name,
            details.get("tries", 0) + 1,
            self.backoff_max_tries(),
            details.get("wait", 0.0),
            reason,
            level=logging.WARNING,
        )


def _request_key(prepared: requests.PreparedRequest) -> RequestKey:
    return str(prepared.url), str(prepared.headers.get("LinkedIn-Version", ""))


class _PagesAhead:
    """The later offset pages of one page sequence, sent ahead as the scheduler has room."""

    def __init__(
        self, stream: LinkedInStream, context: Context | None, scheduler: RequestScheduler
    ) -> None:
        self._stream = stream
        self._context = context
        self._scheduler = scheduler
        self._offsets: t.Iterator[int] | None = None
        self._sent: list[RequestKey] = []

    @property
    def planned(self) -> bool:
        return self._offsets is not None

    def plan(self, offsets: t.Iterable[int]) -> None:
        self._offsets = iter(offsets)

    def top_up(self) -> None:
        if self._offsets is None:
            return
        for _ in range(self._scheduler.room("page")):
            offset = next(self._offsets, None)
            if offset is None:
                return
            planned = self._stream.planned(self._context, offset)
            self._scheduler.send_ahead(planned.key, planned.send)
            self._sent.append(planned.key)

    def discard(self) -> None:
        self._scheduler.discard(self._sent)
