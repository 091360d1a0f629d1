"""The request scheduler: sends ahead in workers, hands responses out in the order asked."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest
import requests

from tap_linkedin_leads.errors import DailyLimitError
from tap_linkedin_leads.scheduler import (
    FollowUp,
    Lookahead,
    PlannedRequest,
    RequestScheduler,
    SharedPause,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

WAIT = 5.0  # a bound for waits that end as soon as the event they wait for happens


def _response(name: str) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.url = name
    return response


@pytest.fixture
def scheduler() -> Iterator[Callable[[int], RequestScheduler]]:
    created: list[RequestScheduler] = []

    def make(max_parallel: int) -> RequestScheduler:
        created.append(RequestScheduler(max_parallel))
        return created[-1]

    yield make
    for each in created:
        each.close()


def test_with_one_request_at_a_time_each_is_sent_in_the_main_thread_when_asked(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    serial = scheduler(1)
    threads: list[str] = []

    def send() -> requests.Response:
        threads.append(threading.current_thread().name)
        return _response("a")

    assert serial.room("owner") == 0
    assert serial.room("page") == 0
    assert serial.fetch(("a", "v"), send).url == "a"
    assert threads == [threading.main_thread().name]


def test_requests_sent_ahead_run_in_workers_and_are_picked_up_by_key(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(4)
    threads: list[str] = []

    def send(name: str) -> Callable[[], requests.Response]:
        def run() -> requests.Response:
            threads.append(threading.current_thread().name)
            return _response(name)

        return run

    parallel.send_ahead(("b", "v"), send("b"), kind="owner")
    assert parallel.room("owner") == 7
    assert parallel.fetch(("b", "v"), send("not sent")).url == "b"
    assert parallel.room("owner") == 8, "a response picked up frees its room"
    assert parallel.fetch(("c", "v"), send("c")).url == "c"
    assert len(threads) == 2
    assert all(name.startswith("linkedin-request-") for name in threads)


def test_no_more_than_max_parallel_requests_are_in_flight(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(3)
    lock = threading.Lock()
    in_flight = [0]
    peak = [0]
    entered = threading.Semaphore(0)
    release = threading.Event()

    def send() -> requests.Response:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        entered.release()
        release.wait(WAIT)
        with lock:
            in_flight[0] -= 1
        return _response("x")

    for number in range(6):
        parallel.send_ahead((str(number), "v"), send, kind="owner")
    for _ in range(3):
        assert entered.acquire(timeout=WAIT)
    time.sleep(0.05)  # room for a fourth to start, were the limit not kept
    busy = in_flight[0]
    release.set()
    for number in range(6):
        parallel.fetch((str(number), "v"), send)

    assert busy == 3
    assert peak[0] == 3


def test_the_main_threads_own_request_goes_before_requests_queued_ahead(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(2)
    order: list[str] = []
    # Only one worker is freed while both "later" and "now" wait, so the one it takes
    # next shows the priority; the other worker stays busy until the end.
    gates = {"blocker1": threading.Event(), "blocker2": threading.Event()}

    def send(name: str) -> Callable[[], requests.Response]:
        def run() -> requests.Response:
            if name in gates:
                gates[name].wait(WAIT)
            order.append(name)
            return _response(name)

        return run

    parallel.send_ahead(("blocker1", "v"), send("blocker1"), kind="owner")
    parallel.send_ahead(("blocker2", "v"), send("blocker2"), kind="owner")
    parallel.send_ahead(("later", "v"), send("later"), owner=5, kind="owner")
    threading.Timer(0.05, gates["blocker1"].set).start()
    assert parallel.fetch(("now", "v"), send("now")).url == "now"
    assert parallel.fetch(("later", "v"), send("later")).url == "later"
    gates["blocker2"].set()

    assert order.index("now") < order.index("later")


def test_a_run_stopping_error_fails_every_queued_request_and_stops_sending(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(1 + 1)
    sent: list[str] = []
    gate = threading.Event()

    def send(name: str) -> Callable[[], requests.Response]:
        def run() -> requests.Response:
            if name == "slow":
                gate.wait(WAIT)
            sent.append(name)
            if name == "limited":
                raise DailyLimitError("leadFormResponses")
            return _response(name)

        return run

    parallel.send_ahead(("slow", "v"), send("slow"), kind="owner")
    parallel.send_ahead(("limited", "v"), send("limited"), kind="owner")
    deadline = time.monotonic() + WAIT
    while "limited" not in sent and time.monotonic() < deadline:
        time.sleep(0.005)
    parallel.send_ahead(("queued", "v"), send("queued"), kind="owner")
    gate.set()

    assert parallel.fetch(("slow", "v"), send("slow")).url == "slow", "finished work is kept"
    with pytest.raises(DailyLimitError):
        parallel.fetch(("queued", "v"), send("queued"))
    with pytest.raises(DailyLimitError):
        parallel.fetch(("new", "v"), send("new"))
    assert sorted(sent) == ["limited", "slow"]


def test_reaching_an_owner_drops_what_earlier_owners_left_unused(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(2)
    sent: list[str] = []

    def send(name: str) -> Callable[[], requests.Response]:
        def run() -> requests.Response:
            sent.append(name)
            return _response(name)

        return run

    parallel.send_ahead(("old", "v"), send("old"), owner=0, kind="owner")
    parallel.send_ahead(("next", "v"), send("next"), owner=1, kind="owner")
    parallel.reach_owner(1)

    assert parallel.room("owner") == 3
    assert parallel.fetch(("old", "v"), send("old again")).url == "old again"


def test_lookahead_plans_owners_in_order_within_its_room(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(2)  # room for 4 requests of later owners
    planned: list[int] = []

    def plan(owner: dict[str, int]) -> list[PlannedRequest]:
        planned.append(owner["account_id"])
        return [
            PlannedRequest((f"{owner['account_id']}/{part}", "v"), lambda: _response("r"))
            for part in ("campaigns", "forms", "leads")
        ]

    owners = [{"account_id": number} for number in range(5)]
    lookahead = Lookahead(parallel, owners, plan)

    lookahead.reach(0)
    assert planned == [0, 1]
    assert parallel.room("owner") == 0
    for part in ("campaigns", "forms", "leads"):
        parallel.fetch((f"0/{part}", "v"), lambda: _response("not ahead"))
    lookahead.reach(1)
    assert planned == [0, 1, 2]


def _answer(name: str) -> Callable[[], requests.Response]:
    return lambda: _response(name)


def test_a_follow_up_is_sent_as_soon_as_its_responses_arrive_while_the_main_thread_waits(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    # The main thread waits for an earlier owner's request, which is only answered once the
    # follow-up's request has been sent: planned only when the main thread got to it, the
    # follow-up would come after that wait had run out.
    parallel = scheduler(4)
    follow_up_sent = threading.Event()
    planned_with: list[list[str]] = []

    def current() -> requests.Response:
        answered = follow_up_sent.wait(WAIT)
        return _response("current" if answered else "current, but the follow-up came late")

    def read() -> requests.Response:
        follow_up_sent.set()
        return _response("read")

    def plan(responses: list[requests.Response]) -> list[PlannedRequest]:
        planned_with.append([response.url for response in responses])
        return [PlannedRequest(("read", "v"), read)]

    parallel.send_ahead(("current", "v"), current, owner=0, kind="owner")
    parallel.send_ahead(("forms", "v"), _answer("forms"), owner=1, kind="owner")
    parallel.send_ahead(("leads", "v"), _answer("leads"), owner=1, kind="owner")
    parallel.follow(FollowUp((("forms", "v"), ("leads", "v")), plan), owner=1)

    assert parallel.fetch(("current", "v"), _answer("not ahead")).url == "current"
    assert planned_with == [["forms", "leads"]], "once, with its responses in order"
    parallel.reach_owner(1)
    for key in ("forms", "leads", "read"):
        assert parallel.fetch((key, "v"), _answer("not ahead")).url == key


def test_a_follow_up_whose_response_failed_plans_nothing(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(2)
    planned: list[object] = []

    def refused() -> requests.Response:
        msg = "refused"
        raise RuntimeError(msg)

    parallel.send_ahead(("forms", "v"), _answer("forms"), owner=1, kind="owner")
    parallel.send_ahead(("leads", "v"), refused, owner=1, kind="owner")
    parallel.follow(FollowUp((("forms", "v"), ("leads", "v")), planned.append), owner=1)
    parallel.reach_owner(1)

    assert parallel.fetch(("forms", "v"), _answer("not ahead")).url == "forms"
    with pytest.raises(RuntimeError, match="refused"):
        parallel.fetch(("leads", "v"), _answer("not ahead"))
    assert parallel.fetch(("other", "v"), _answer("other")).url == "other"
    assert planned == [], "the main thread meets the error itself; nothing is planned from it"


def test_follow_ups_of_owners_left_behind_or_never_sent_ahead_are_dropped(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(2)
    planned: list[object] = []
    release = threading.Event()

    def slow() -> requests.Response:
        release.wait(WAIT)
        return _response("slow")

    parallel.send_ahead(("slow", "v"), slow, owner=1, kind="owner")
    parallel.follow(FollowUp((("slow", "v"),), planned.append), owner=1)
    parallel.follow(FollowUp((("never sent", "v"),), planned.append), owner=1)
    parallel.reach_owner(2)  # owner 1 was skipped: its follow-up goes with its requests
    release.set()

    assert parallel.fetch(("after", "v"), _answer("after")).url == "after"
    assert planned == []


def test_a_serial_scheduler_plans_no_follow_up(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    serial = scheduler(1)
    planned: list[object] = []

    serial.follow(FollowUp((("a", "v"),), planned.append), owner=0)
    assert serial.fetch(("a", "v"), _answer("a")).url == "a"
    assert planned == []


def test_lookahead_registers_each_follow_up_after_the_requests_it_needs(
    scheduler: Callable[[int], RequestScheduler],
) -> None:
    parallel = scheduler(2)
    planned_with: list[list[str]] = []

    def plan_follow_up(responses: list[requests.Response]) -> list[PlannedRequest]:
        planned_with.append([response.url for response in responses])
        return [PlannedRequest(("0/read", "v"), _answer("0/read"))]

    def plan(owner: dict[str, int]) -> list[PlannedRequest | FollowUp]:
        del owner
        return [
            PlannedRequest(("0/forms", "v"), _answer("0/forms")),
            PlannedRequest(("0/leads", "v"), _answer("0/leads")),
            FollowUp((("0/forms", "v"), ("0/leads", "v")), plan_follow_up),
        ]

    Lookahead(parallel, [{"account_id": 0}], plan).reach(0)

    assert parallel.fetch(("0/forms", "v"), _answer("not ahead")).url == "0/forms"
    assert parallel.fetch(("0/leads", "v"), _answer("not ahead")).url == "0/leads"
    assert parallel.fetch(("0/read", "v"), _answer("not ahead")).url == "0/read"
    assert planned_with == [["0/forms", "0/leads"]]


def test_a_shared_pause_holds_every_waiter_until_it_passes() -> None:
    pause = SharedPause()
    pause.extend(0.2)
    pause.extend(0.05)  # a shorter pause does not cut the longer one
    started = time.monotonic()
    waited: list[float] = []
    threads = [
        threading.Thread(target=lambda: (pause.wait(), waited.append(time.monotonic())))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)

    assert len(waited) == 3
    assert min(waited) - started >= 0.19
