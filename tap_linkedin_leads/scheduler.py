"""Requests in flight together: worker threads that send, a main thread that consumes in order.

The SDK syncs sequentially, and only the main thread may write Singer messages or touch
stream state. So workers only send requests (with their retries, in their own thread) and
parse the bodies; the main thread asks for every response in exactly the order a serial
run would, and a response fetched ahead is simply waiting for it. The records and STATE
messages are therefore the serial ones, whatever the timing.

Look-ahead is bounded: at most ``2 * max_parallel_requests`` requests for later owners and
``max_parallel_requests`` later pages of the current owner wait to be consumed, so memory is
bounded by the pages in flight, not by the size of the sync. A :class:`FollowUp` plans more
requests from responses fetched ahead (a lead page names the form versions whose reads come
next), in the main thread, as soon as those responses arrive rather than when the main
thread reaches them.

Faults are shared: a ``Retry-After`` pauses every worker; an error that no other request
can escape (the daily limit, a retired version, rejected credentials) stops the run once.
With ``max_parallel_requests`` 1 there are no threads: each request is sent in the main
thread when it is needed, as a serial tap does.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
import typing as t
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

import requests

from tap_linkedin_leads.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    DailyLimitError,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "FollowUp",
    "Lookahead",
    "PlannedRequest",
    "RequestKey",
    "RequestScheduler",
    "SharedPause",
]

#: What identifies a request fetched ahead: its full URL and its ``LinkedIn-Version``.
RequestKey = tuple[str, str]

#: Errors every later request would meet too: one stops the whole run at once.
RUN_STOPPING_ERRORS = (DailyLimitError, ApiVersionRetiredError, AuthenticationError)

#: The main thread's own request goes before anything fetched ahead.
_NOW = (-1,)


class SharedPause:
    """A pause every request honours before it is sent (LinkedIn's ``Retry-After``).

    The request that met the 429 already waits in its own retry schedule, so the pause
    holds back the others only; with one request at a time it never waits.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """No pause yet."""
        self._clock = clock
        self._lock = threading.Lock()
        self._until = 0.0
        self._set_by: int | None = None

    def extend(self, seconds: float) -> None:
        """Hold every other request back for ``seconds`` from now (longer pauses win)."""
        with self._lock:
            until = self._clock() + seconds
            if until > self._until:
                self._until = until
                self._set_by = threading.get_ident()

    def wait(self) -> None:
        """Return once no pause set by another thread is in force."""
        waited_for = None
        while True:
            with self._lock:
                until = self._until
                remaining = until - self._clock()
                own = self._set_by == threading.get_ident()
            if own or remaining <= 0 or until == waited_for:
                return
            waited_for = until
            time.sleep(remaining)


@dataclass(order=True)
class _Task:
    priority: tuple[int, ...]
    sequence: int
    send: Callable[[], requests.Response] | None = field(compare=False)
    future: Future[requests.Response] = field(compare=False, default_factory=Future)


@dataclass
class _Ahead:
    future: Future[requests.Response]
    owner: int
    kind: str


@dataclass
class _Waiting:
    """A follow-up registered for an owner, with the futures of the responses it needs."""

    futures: list[Future[requests.Response]]
    follow_up: FollowUp
    owner: int


class RequestScheduler:
    """Up to ``max_parallel`` requests in flight; responses handed out in the order asked."""

    def __init__(self, max_parallel: int) -> None:
        """No threads until the first request is sent ahead."""
        self.max_parallel = max(1, max_parallel)
        self.pause = SharedPause()
        self._local = threading.local()
        self._queue: queue.PriorityQueue[_Task] = queue.PriorityQueue()
        self._sequence = itertools.count()
        self._workers: list[threading.Thread] = []
        self._stop_lock = threading.Lock()
        self._stopped_by: Exception | None = None
        # Main thread only: responses fetched ahead, by request, the follow-ups waiting for
        # some of them, and the current owner.
        self._ahead: dict[RequestKey, _Ahead] = {}
        self._waiting: list[_Waiting] = []
        self._owner = 0

    @property
    def parallel(self) -> bool:
        """Whether requests may be sent ahead of the main thread."""
        return self.max_parallel > 1

    # Any thread

    def session(self) -> requests.Session:
        """This thread's HTTP session: a ``requests.Session`` is not thread-safe."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def before_send(self) -> None:
        """Wait out a shared pause; refuse to send once the run is stopping."""
        self.pause.wait()
        if self._stopped_by is not None:
            raise self._stopped_by

    def stop(self, error: Exception) -> None:
        """Stop the run for ``error``: nothing more is sent, every waiting request fails."""
        with self._stop_lock:
            if self._stopped_by is not None:
                return
            self._stopped_by = error
        self._drain(error)

    # Main thread

    def fetch(self, key: RequestKey, send: Callable[[], requests.Response]) -> requests.Response:
        """The response to ``key``: the one fetched ahead if there is one, else sent now."""
        ahead = self._ahead.pop(key, None)
        if ahead is not None:
            return self._result(ahead.future)
        if self._stopped_by is not None:
            raise self._stopped_by
        if not self.parallel:
            return send()
        return self._result(self._submit(_NOW, send).future)

    def room(self, kind: str) -> int:
        """How many more requests of ``kind`` (``owner`` or ``page``) may be sent ahead."""
        if not self.parallel or self._stopped_by is not None:
            return 0
        limit = 2 * self.max_parallel if kind == "owner" else self.max_parallel
        return limit - sum(1 for ahead in self._ahead.values() if ahead.kind == kind)

    def send_ahead(
        self,
        key: RequestKey,
        send: Callable[[], requests.Response],
        *,
        owner: int | None = None,
        kind: str = "page",
    ) -> None:
        """Send ``key`` now in a worker, for :meth:`fetch` to pick up later."""
        if key in self._ahead:
            return
        index = self._owner if owner is None else owner
        task = self._submit((index,), send)
        self._ahead[key] = _Ahead(task.future, index, kind)

    def follow(self, follow_up: FollowUp, *, owner: int) -> None:
        """Plan ``follow_up`` for ``owner`` once the responses it needs have arrived.

        Its ``needs`` must have been sent ahead; one that was not (or was already taken)
        means the main thread is past the point where planning ahead helps, so it is dropped.
        """
        aheads = [self._ahead.get(key) for key in follow_up.needs]
        if not self.parallel or any(ahead is None for ahead in aheads):
            return
        futures = [ahead.future for ahead in aheads if ahead is not None]
        self._waiting.append(_Waiting(futures, follow_up, owner))

    def discard(self, keys: Iterable[RequestKey]) -> None:
        """Forget requests sent ahead that will not be asked for after all."""
        for key in keys:
            ahead = self._ahead.pop(key, None)
            if ahead is not None:
                ahead.future.cancel()

    def reach_owner(self, index: int) -> None:
        """The main thread starts owner ``index``: what earlier owners left unused goes."""
        self._owner = index
        self.discard([key for key, ahead in self._ahead.items() if ahead.owner < index])
        self._waiting = [waiting for waiting in self._waiting if waiting.owner >= index]

    def close(self) -> None:
        """End the run's requests: unsent ones are dropped, workers exit when idle."""
        self.stop(_RunClosedError("the run is over"))
        for _ in self._workers:
            self._queue.put(_Task((2**31,), next(self._sequence), None))
        self._ahead.clear()
        self._waiting.clear()

    # Internals

    def _result(self, future: Future[requests.Response]) -> requests.Response:
        """``future``'s response; follow-ups whose responses arrive meanwhile are planned."""
        while True:
            self._plan_follow_ups()
            if future.done() or not self._waiting:
                return future.result()
            pending = {f for waiting in self._waiting for f in waiting.futures if not f.done()}
            wait([future, *pending], return_when=FIRST_COMPLETED)

    def _plan_follow_ups(self) -> None:
        """Send ahead what each follow-up whose responses have all arrived plans."""
        ready = [w for w in self._waiting if all(f.done() for f in w.futures)]
        if not ready:
            return
        self._waiting = [w for w in self._waiting if w not in ready]
        for waiting in ready:
            if self._stopped_by is not None:
                return
            if any(f.cancelled() or f.exception() is not None for f in waiting.futures):
                continue  # The main thread meets that error itself when it gets there.
            responses = [f.result() for f in waiting.futures]
            for request in waiting.follow_up.plan(responses):
                self.send_ahead(request.key, request.send, owner=waiting.owner, kind="follow-up")

    def _submit(self, priority: tuple[int, ...], send: Callable[[], requests.Response]) -> _Task:
        task = _Task(priority, next(self._sequence), send)
        if len(self._workers) < self.max_parallel:
            worker = threading.Thread(
                target=self._work,
                args=(self._queue,),
                name=f"linkedin-request-{len(self._workers) + 1}",
                daemon=True,
            )
            self._workers.append(worker)
            worker.start()
        self._queue.put(task)
        if self._stopped_by is not None:
            self._drain(self._stopped_by)
        return task

    def _work(self, tasks: queue.PriorityQueue[_Task]) -> None:
        while True:
            task = tasks.get()
            if task.send is None:
                return
            if not task.future.set_running_or_notify_cancel():
                continue
            try:
                response = task.send()
            except Exception as exc:  # noqa: BLE001 - handed to the main thread as is
                if isinstance(exc, RUN_STOPPING_ERRORS):
                    self.stop(exc)
                task.future.set_exception(exc)
            else:
                task.future.set_result(response)

    def _drain(self, error: Exception) -> None:
        """Fail every queued request with ``error`` (workers keep their sentinels)."""
        kept = []
        while True:
            try:
                task = self._queue.get_nowait()
            except queue.Empty:
                break
            if task.send is None:
                kept.append(task)
            elif task.future.set_running_or_notify_cancel():
                task.future.set_exception(error)
        for task in kept:
            self._queue.put(task)


class _RunClosedError(Exception):
    """The run ended before this request was sent."""


@dataclass(frozen=True)
class PlannedRequest:
    """A request a serial run will send, with the function that sends it."""

    key: RequestKey
    send: Callable[[], requests.Response]


@dataclass(frozen=True)
class FollowUp:
    """Requests a serial run sends once it has read the responses to ``needs``.

    ``plan`` runs in the main thread with those responses, in the order of ``needs``, as
    soon as they have all arrived; it returns the requests to send ahead (possibly none).
    It must only read: the main thread may still be several owners behind.
    """

    needs: tuple[RequestKey, ...]
    plan: Callable[[list[requests.Response]], list[PlannedRequest]]


class Lookahead:
    """Sends the first requests of the owners after the current one, as room allows.

    ``plan`` gives, in the main thread, the requests a serial run sends first for an owner
    (its own read, then each child stream's first page), each followed by the follow-ups
    that need it, or ``None`` while it cannot tell yet (no stream has had a request
    accepted); owners are planned in order, so the workers always fetch what the main
    thread will ask for next.
    """

    def __init__(
        self,
        scheduler: RequestScheduler,
        owners: Sequence[dict[str, int]],
        plan: Callable[[dict[str, int]], list[PlannedRequest | FollowUp] | None],
    ) -> None:
        """Nothing is planned until the main thread reaches the first owner."""
        self._scheduler = scheduler
        self._owners = owners
        self._plan = plan
        self._next_owner = 0
        self._pending: list[PlannedRequest | FollowUp] = []

    def reach(self, index: int) -> None:
        """The main thread starts owner ``index``; send ahead for it and the next ones."""
        scheduler = self._scheduler
        if not scheduler.parallel:
            return
        scheduler.reach_owner(index)
        if self._next_owner <= index:
            self._next_owner, self._pending = index, []
        while scheduler.room("owner") > 0:
            if not self._pending:
                if self._next_owner >= len(self._owners):
                    return
                planned = self._plan(self._owners[self._next_owner])
                if planned is None:
                    return  # Asked again when the main thread reaches the next owner.
                self._pending = planned
                self._next_owner += 1
                continue
            request = self._pending.pop(0)
            owner = self._next_owner - 1
            if isinstance(request, FollowUp):
                scheduler.follow(request, owner=owner)
            else:
                scheduler.send_ahead(request.key, request.send, owner=owner, kind="owner")
