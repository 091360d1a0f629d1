"""The indexed store behind the sandbox's answers: accounts, campaigns, forms and leads.

Leads are stored compactly — submission time, form and test flag in flat arrays — and
materialised on demand (:mod:`linkedin_sandbox.leads`), so a million leads fit in a
few tens of megabytes. Per owner and lead type the store keeps the lead indices sorted
newest first, with ties in the same millisecond in a stable (insertion) order; a page of
``leadFormResponses`` is a slice of that order. What goes in is decided by
:mod:`linkedin_sandbox.data` (generation).
"""

from __future__ import annotations

import bisect
import threading
from array import array
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from linkedin_sandbox.forms import SPONSORED
from linkedin_sandbox.leads import build_lead, lead_id, version_at

if TYPE_CHECKING:
    from collections.abc import Sequence

    from linkedin_sandbox.forms import FormRecord

JsonDict = dict[str, Any]

ACCOUNT_OWNER = "sponsoredAccount"
ORGANIZATION_OWNER = "organization"


def to_epoch_ms(value: int | datetime | str) -> int:
    """Convert epoch ms, an aware/naive (UTC) datetime or an ISO-8601 string to epoch ms.

    Args:
        value: The time.

    Returns:
        Milliseconds since the Unix epoch.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return int(value.timestamp() * 1000)
    return int(value)


def ms_to_iso(ms: int) -> str:
    """Epoch ms -> ``YYYY-MM-DDTHH:MM:SSZ`` (second precision, UTC)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class LeadSlice:
    """The leads matching one ``leadFormResponses`` query, newest first.

    Attributes:
        order: Lead indices in result order (shared; do not modify).
        lo: First position of the match in ``order``.
        hi: One past the last position.
    """

    order: array[int]
    lo: int
    hi: int

    def __len__(self) -> int:
        """Number of matching leads."""
        return self.hi - self.lo

    def index_at(self, position: int) -> int:
        """Lead index at a 0-based result position."""
        return self.order[self.lo + position]


class _OwnerIndex:
    """Sorted lead indices for one (owner, lead type): all, test only, non-test only.

    Each variant keeps ``order`` (lead indices, newest first) and ``neg_times`` (the negated
    submission times in the same order, ascending) so a time window is two bisections.
    """

    def __init__(self, members: array[int], times: array[int], test: bytearray) -> None:
        # reverse=True keeps equal keys in their original (ascending index) order.
        ordered = sorted(members, key=times.__getitem__, reverse=True)
        self.variants: dict[bool | None, tuple[array[int], array[int]]] = {}
        for variant in (None, True, False):
            chosen = ordered if variant is None else [i for i in ordered if test[i] == variant]
            order = array("q", chosen)
            neg_times = array("q", [-times[i] for i in chosen])
            self.variants[variant] = (order, neg_times)

    def window(self, *, test: bool | None, start_ms: int | None, end_ms: int | None) -> LeadSlice:
        order, neg_times = self.variants[test]
        # start inclusive, end exclusive: start <= t < end  <=>  -end < -t <= -start
        lo = 0 if end_ms is None else bisect.bisect_right(neg_times, -end_ms)
        hi = len(order) if start_ms is None else bisect.bisect_right(neg_times, -start_ms)
        return LeadSlice(order, lo, max(lo, hi))


class DataStore:
    """Accounts, campaigns, forms and leads, indexed for the API's lookups and finders.

    Thread-safe for the server's handler threads: lookups may run while leads are added.

    Attributes:
        seed: The seed it was generated from.
        start_ms: Start of the lead window (epoch ms, inclusive).
        end_ms: End of the lead window (epoch ms, exclusive); grows with the leads added.
        accounts: adAccounts elements the token's member can see, as the API returns them.
        forbidden_accounts: Accounts that exist but answer 403 to this member.
        organization_ids: Organizations (company pages) owning organic forms.
        campaigns: adCampaigns elements of the visible accounts.
        form_versions: ``(form_id, version_id)`` -> form dict, every version.
    """

    def __init__(self, seed: int, start_ms: int, end_ms: int) -> None:
        """Create an empty store.

        Args:
            seed: Seed of the data set (each lead's id and answers derive from it).
            start_ms: Start of the lead window.
            end_ms: End of the lead window.
        """
        self.seed = seed
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.accounts: list[JsonDict] = []
        self.forbidden_accounts: list[JsonDict] = []
        self.organization_ids: list[int] = []
        self.campaigns: list[JsonDict] = []
        self.form_versions: dict[tuple[int, int], JsonDict] = {}
        self._forms: list[FormRecord] = []
        self._form_by_id: dict[int, int] = {}
        self._forms_by_owner: dict[str, list[int]] = {}
        self._times: array[int] = array("q")
        self._form_of: array[int] = array("i")
        self._test = bytearray()
        self._members: dict[tuple[str, str], array[int]] = {}
        self._index: dict[tuple[str, str], _OwnerIndex] = {}
        self._lead_ids: dict[str, int] | None = None
        self._leads_cache: list[JsonDict] | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ filling

    def add_form(self, form: FormRecord) -> None:
        """Store a form and every version of it."""
        self._form_by_id[form.form_id] = len(self._forms)
        self._forms_by_owner.setdefault(form.owner_urn, []).append(len(self._forms))
        self._forms.append(form)
        for version in form.versions:
            self.form_versions[(form.form_id, version["versionId"])] = version

    def add_owner(self, owner_urn: str) -> None:
        """Make an owner known (it may have no forms)."""
        self._forms_by_owner.setdefault(owner_urn, [])

    def add_leads_to_form(
        self, form: FormRecord, times: Sequence[int], test_flags: Sequence[int]
    ) -> range:
        """Append leads submitted on ``form`` at ``times`` (epoch ms).

        The lead window's end moves past the newest of them.

        Args:
            form: The form they answer (stored with :meth:`add_form`).
            times: Their submission times, in insertion order.
            test_flags: 1 (or True) for each test lead, 0 for a real one.

        Returns:
            The indices of the new leads.
        """
        with self._lock:
            first = len(self._times)
            key = (form.owner_urn, form.lead_type)
            self._times.extend(times)
            self._test.extend(test_flags)
            self._form_of.extend([self._form_by_id[form.form_id]] * len(times))
            self._members.setdefault(key, array("q")).extend(range(first, len(self._times)))
            self._index.pop(key, None)
            added = range(first, len(self._times))
            if self._lead_ids is not None:
                self._lead_ids.update((lead_id(self.seed, i), i) for i in added)
            if times:
                self.end_ms = max(self.end_ms, max(times) + 1)
            self._leads_cache = None
            return added

    # ------------------------------------------------------------------ lookups

    @property
    def forms(self) -> list[JsonDict]:
        """Every form's latest version, exactly as ``GET /rest/leadForms`` returns it."""
        return [form.latest for form in self._forms]

    @property
    def leads(self) -> list[JsonDict]:
        """Every lead, in generation order (materialised once and cached).

        For very large data sets prefer :meth:`query_leads` or :meth:`lead`.
        """
        with self._lock:
            if self._leads_cache is None:
                self._leads_cache = [self.lead(i) for i in range(len(self._times))]
            return self._leads_cache

    @property
    def lead_count(self) -> int:
        """Number of leads (cheap, unlike ``len(data.leads)`` on a big data set)."""
        return len(self._times)

    @property
    def visible_account_ids(self) -> list[int]:
        """Account ids the token's member can read."""
        return [a["id"] for a in self.accounts]

    @property
    def forbidden_account_ids(self) -> list[int]:
        """Account ids that exist but answer 403 to this member."""
        return [a["id"] for a in self.forbidden_accounts]

    def account(self, account_id: int) -> JsonDict | None:
        """A visible account by id, or None."""
        return next((a for a in self.accounts if a["id"] == account_id), None)

    def form_record(self, form_id: int) -> FormRecord | None:
        """The internal record of a form, or None if unknown."""
        position = self._form_by_id.get(form_id)
        return None if position is None else self._forms[position]

    def forms_of(self, owner_urn: str) -> list[FormRecord]:
        """Forms owned by an owner URN, in generation order."""
        return [self._forms[i] for i in self._forms_by_owner.get(owner_urn, [])]

    def is_known_owner(self, owner_urn: str) -> bool:
        """True if the owner URN belongs to a visible account or an organization."""
        return owner_urn in self._forms_by_owner

    def lead(self, index: int) -> JsonDict:
        """Materialise the lead with this index."""
        form = self._forms[self._form_of[index]]
        return build_lead(
            self.seed, index, form, self._times[index], test_lead=bool(self._test[index])
        )

    def lead_form_version(self, index: int) -> tuple[int, int]:
        """``(form_id, version_id)`` a lead answers, without materialising the lead."""
        form = self._forms[self._form_of[index]]
        return form.form_id, version_at(form, self._times[index])

    def lead_form_record(self, index: int) -> FormRecord:
        """The form a lead answers."""
        return self._forms[self._form_of[index]]

    def lead_index_by_id(self, lead_id_text: str) -> int | None:
        """Index of a lead by its id (builds an id map on first use)."""
        with self._lock:
            if self._lead_ids is None:
                self._lead_ids = {lead_id(self.seed, i): i for i in range(len(self._times))}
            return self._lead_ids.get(lead_id_text)

    def lead_window(
        self,
        owner_urn: str,
        lead_type: str,
        *,
        test: bool | None,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> LeadSlice:
        """The leads of one owner and lead type in a time window, newest first.

        Args:
            owner_urn: ``urn:li:sponsoredAccount:..`` or ``urn:li:organization:..``.
            lead_type: SPONSORED, COMPANY, EVENT or ORGANIZATION_PRODUCT.
            test: True = test leads only, False = non-test only, None = both.
            start_ms: Inclusive lower bound of ``submittedAt``.
            end_ms: Exclusive upper bound of ``submittedAt``.

        Returns:
            The matching slice.
        """
        key = (owner_urn, lead_type)
        with self._lock:
            index = self._index.get(key)
            if index is None:
                index = _OwnerIndex(self._members.get(key, array("q")), self._times, self._test)
                self._index[key] = index
        return index.window(test=test, start_ms=start_ms, end_ms=end_ms)

    def query_leads(
        self,
        owner: str | int,
        lead_type: str = SPONSORED,
        *,
        test_leads: bool | None = False,
        start: int | datetime | str | None = None,
        end: int | datetime | str | None = None,
    ) -> list[JsonDict]:
        """The leads a correct client should receive for one finder query, in API order.

        Args:
            owner: Owner URN, or an account id.
            lead_type: The lead type.
            test_leads: True = test leads only, False = non-test only, None = both.
            start: Inclusive lower bound.
            end: Exclusive upper bound.

        Returns:
            The leads, newest first.
        """
        owner_urn = owner if isinstance(owner, str) else f"urn:li:{ACCOUNT_OWNER}:{owner}"
        window = self.lead_window(
            owner_urn,
            lead_type,
            test=test_leads,
            start_ms=None if start is None else to_epoch_ms(start),
            end_ms=None if end is None else to_epoch_ms(end),
        )
        return [self.lead(window.index_at(p)) for p in range(len(window))]
