"""The sandbox's synthetic, deterministic LinkedIn data set.

:meth:`SandboxData.generate` builds ad accounts, campaigns, organizations, lead forms (with
versions) and leads from a seed and a few sizes; the same arguments always give the same data.

Leads are stored compactly — submission time, form and test flag in flat arrays — and
materialised on demand (:mod:`linkedin_sandbox.leads`), so a million leads fit in a
few tens of megabytes. Per owner and lead type the sandbox keeps the lead indices sorted
newest first, with ties in the same millisecond in a stable (generation) order; a page of
``leadFormResponses`` is a slice of that order.
"""

from __future__ import annotations

import bisect
import random
import threading
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from linkedin_sandbox import fakes
from linkedin_sandbox.forms import (
    ORGANIC_LEAD_TYPES,
    SPONSORED,
    FormRecord,
    build_form,
)
from linkedin_sandbox.leads import build_lead, lead_id, version_at

JsonDict = dict[str, Any]

DAY_MS = 86_400_000
DEFAULT_END = datetime(2026, 11, 1, tzinfo=timezone.utc)
"""Fixed default end of the data window, so data depends on the seed and sizes only."""
DEFAULT_SPAN = timedelta(days=90)

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


def _unique_ints(rng: random.Random, low: int, high: int, n: int, used: set[int]) -> list[int]:
    values: list[int] = []
    while len(values) < n:
        candidate = rng.randint(low, high)
        if candidate not in used:
            used.add(candidate)
            values.append(candidate)
    return values


def _form_state(position: int, form_number: int) -> str:
    """Lifecycle state by position: an owner's first form is always PUBLISHED."""
    if position > 0 and form_number % 7 == 3:
        return "ARCHIVED"
    if position > 0 and form_number % 7 == 5:
        return "DRAFT"
    return "PUBLISHED"


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


class SandboxData:
    """A deterministic synthetic LinkedIn data set (build it with :meth:`generate`).

    Attributes:
        seed: The seed it was generated from.
        start_ms: Start of the lead window (epoch ms, inclusive).
        end_ms: End of the lead window (epoch ms, exclusive); grows with :meth:`add_leads`.
        accounts: adAccounts elements the token's member can see, as the API returns them.
        forbidden_accounts: Accounts that exist but answer 403 to this member.
        organization_ids: Organizations (company pages) owning organic forms.
        campaigns: adCampaigns elements of the visible accounts.
        form_versions: ``(form_id, version_id)`` -> form dict, every version.
    """

    def __init__(self, seed: int, start_ms: int, end_ms: int) -> None:
        """Create an empty data set; use :meth:`generate` instead.

        Args:
            seed: Seed for every derived value.
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
        self._add_cursor = 0
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ generation

    @classmethod
    def generate(
        cls,
        seed: int = 7,
        *,
        accounts: int = 3,
        organizations: int = 1,
        forms_per_owner: int = 2,
        leads_per_form: int = 40,
        start: int | datetime | str | None = None,
        end: int | datetime | str | None = None,
        campaigns_per_account: int = 3,
        forbidden_accounts: int = 1,
        max_versions: int = 3,
        test_lead_ratio: float = 0.06,
        same_ms_ratio: float = 0.08,
    ) -> SandboxData:
        """Generate a data set.

        Account roles are fixed by position so tests can rely on them: with three or more
        accounts the second-to-last is a test account (``test: true``) and the last one is
        ``CANCELED``; with two, the last is ``CANCELED``. Every owner's first form is
        PUBLISHED; across all forms some are ARCHIVED and some DRAFT (drafts have no leads).

        Args:
            seed: Seed; the same arguments always give the same data.
            accounts: Ad accounts the member can see.
            organizations: Company pages (organic lead forms, 19-digit form ids).
            forms_per_owner: Lead forms per account and per organization.
            leads_per_form: Leads per PUBLISHED or ARCHIVED form.
            start: Start of the lead window (epoch ms, datetime or ISO string);
                defaults to ``end`` minus 90 days.
            end: End of the lead window (exclusive); defaults to 2026-11-01T00:00:00Z.
            campaigns_per_account: Campaigns per visible ad account.
            forbidden_accounts: Extra accounts that exist but answer 403.
            max_versions: Upper bound of versions per form.
            test_lead_ratio: Share of leads flagged ``testLead: true``.
            same_ms_ratio: Share of leads submitted in the same millisecond as the
                previous lead of their form.

        Returns:
            The data set.
        """
        end_ms = to_epoch_ms(end if end is not None else DEFAULT_END)
        start_ms = (
            to_epoch_ms(start)
            if start is not None
            else end_ms - int(DEFAULT_SPAN.total_seconds() * 1000)
        )
        if start_ms >= end_ms:
            msg = "start must be before end"
            raise ValueError(msg)
        data = cls(seed, start_ms, end_ms)
        rng = random.Random(seed)
        used: set[int] = set()
        data.organization_ids = _unique_ints(rng, 10_000_000, 99_999_999, organizations, used)
        reference_orgs = data.organization_ids or _unique_ints(rng, 10_000_000, 99_999_999, 1, used)
        account_ids = _unique_ints(rng, 500_000_000, 599_999_999, accounts, used)
        for position, account_id in enumerate(account_ids):
            canceled = accounts >= 2 and position == accounts - 1
            test = accounts >= 3 and position == accounts - 2
            account = data._make_account(
                rng, account_id, position, reference_orgs, canceled=canceled, test=test
            )
            data.accounts.append(account)
        for position, account_id in enumerate(
            _unique_ints(rng, 500_000_000, 599_999_999, forbidden_accounts, used)
        ):
            data.forbidden_accounts.append(
                data._make_account(
                    rng, account_id, accounts + position, reference_orgs, canceled=False,
                    test=False,
                )
            )  # fmt: skip
        for account in data.accounts:
            data._make_campaigns(rng, account, campaigns_per_account, used)

        owners = [(ACCOUNT_OWNER, a["id"]) for a in data.accounts]
        owners += [(ORGANIZATION_OWNER, o) for o in data.organization_ids]
        form_number = 0
        for owner_kind, owner_id in owners:
            data._forms_by_owner[f"urn:li:{owner_kind}:{owner_id}"] = []
            for position in range(forms_per_owner):
                form = data._make_form(
                    rng,
                    owner_kind=owner_kind,
                    owner_id=owner_id,
                    position=position,
                    form_number=form_number,
                    max_versions=max_versions,
                    used=used,
                )
                form_number += 1
                data._register_form(form)
                if form.state != "DRAFT":
                    data._generate_leads(rng, form, leads_per_form, test_lead_ratio, same_ms_ratio)
        return data

    @classmethod
    def benchmark(cls, total_leads: int, *, seed: int = 7, accounts: int = 10) -> SandboxData:
        """A large data set for load tests: about ``total_leads`` sponsored leads.

        Args:
            total_leads: Approximate number of leads (spread over the accounts' forms).
            seed: Seed.
            accounts: Ad accounts (each with four forms).

        Returns:
            The data set (a million leads generate in a few seconds).
        """
        forms_per_owner = 4
        lead_forms = sum(
            _form_state(number % forms_per_owner, number) != "DRAFT"
            for number in range(accounts * forms_per_owner)
        )
        return cls.generate(
            seed,
            accounts=accounts,
            organizations=0,
            forms_per_owner=forms_per_owner,
            leads_per_form=max(1, total_leads // lead_forms),
            start=DEFAULT_END - timedelta(days=365),
            end=DEFAULT_END,
        )

    def _make_account(
        self,
        rng: random.Random,
        account_id: int,
        position: int,
        reference_orgs: list[int],
        *,
        canceled: bool,
        test: bool,
    ) -> JsonDict:
        currency = rng.choice(("USD", "EUR", "GBP"))
        created = self.start_ms - rng.randint(200, 900) * DAY_MS
        name = fakes.ACCOUNT_NAMES[position % len(fakes.ACCOUNT_NAMES)]
        if position >= len(fakes.ACCOUNT_NAMES):
            name = f"{name} {position // len(fakes.ACCOUNT_NAMES) + 1}"
        account: JsonDict = {
            "id": account_id,
            "name": f"{name} (test)" if test else name,
            "currency": currency,
            "status": "CANCELED" if canceled else "ACTIVE",
            "type": "ENTERPRISE" if position % 4 == 3 else "BUSINESS",
            "reference": f"urn:li:organization:{reference_orgs[position % len(reference_orgs)]}",
            "test": test,
            "servingStatuses": ["STOPPED"] if canceled else ["RUNNABLE"],
            "notifiedOnCampaignOptimization": rng.random() < 0.5,
            "notifiedOnCreativeApproval": rng.random() < 0.5,
            "notifiedOnCreativeRejection": rng.random() < 0.5,
            "notifiedOnEndOfCampaign": rng.random() < 0.5,
            "notifiedOnNewFeaturesEnabled": False,
            "changeAuditStamps": {
                "created": {"time": created},
                "lastModified": {"time": created + rng.randint(1, 150) * DAY_MS},
            },
            "version": {"versionTag": str(rng.randint(1, 12))},
        }
        if position % 2 == 1:
            account["totalBudget"] = {
                "amount": f"{rng.randint(10, 500) * 100}.00",
                "currencyCode": currency,
            }
        return account

    def _make_campaigns(
        self, rng: random.Random, account: JsonDict, n: int, used: set[int]
    ) -> None:
        group_ids = _unique_ints(rng, 600_000_000, 699_999_999, max(1, (n + 1) // 2), used)
        for position, campaign_id in enumerate(
            _unique_ints(rng, 100_000_000, 499_999_999, n, used)
        ):
            created = account["changeAuditStamps"]["created"]["time"] + position * DAY_MS
            status = "ARCHIVED" if account["status"] == "CANCELED" else (
                ("ACTIVE", "ACTIVE", "PAUSED", "COMPLETED")[position % 4]
            )  # fmt: skip
            self.campaigns.append(
                {
                    "id": campaign_id,
                    "name": fakes.CAMPAIGN_NAMES[position % len(fakes.CAMPAIGN_NAMES)],
                    "account": f"urn:li:sponsoredAccount:{account['id']}",
                    "campaignGroup": (
                        f"urn:li:sponsoredCampaignGroup:{group_ids[position % len(group_ids)]}"
                    ),
                    "status": status,
                    "type": "SPONSORED_UPDATES",
                    "objectiveType": "LEAD_GENERATION",
                    "costType": "CPM",
                    "changeAuditStamps": {
                        "created": {"time": created},
                        "lastModified": {"time": created + DAY_MS},
                    },
                }
            )

    def _make_form(
        self,
        rng: random.Random,
        *,
        owner_kind: str,
        owner_id: int,
        position: int,
        form_number: int,
        max_versions: int,
        used: set[int],
    ) -> FormRecord:
        if owner_kind == ORGANIZATION_OWNER:
            # 19 digits: above 2**53, so a client that parses JSON numbers as floats breaks.
            form_id = _unique_ints(rng, 6_900_000_000_000_000_000, 7_199_999_999_999_999_999, 1,
                                   used)[0]  # fmt: skip
            lead_type = ORGANIC_LEAD_TYPES[position % len(ORGANIC_LEAD_TYPES)]
        else:
            form_id = _unique_ints(rng, 1_000_000, 99_999_999, 1, used)[0]
            lead_type = SPONSORED
        state = _form_state(position, form_number)
        created = self.start_ms - rng.randint(30, 400) * DAY_MS
        n_versions = rng.randint(1, max(1, max_versions))
        # Later versions go live inside the lead window, so leads span several versions.
        later = sorted(
            self.start_ms + rng.randrange(self.end_ms - self.start_ms)
            for _ in range(n_versions - 1)
        )
        name = fakes.FORM_NAMES[form_number % len(fakes.FORM_NAMES)]
        form = build_form(
            rng,
            form_id=form_id,
            owner_kind=owner_kind,
            owner_id=owner_id,
            lead_type=lead_type,
            state=state,
            name=f"{name} #{form_number + 1}",
            created_ms=created,
            version_starts=[created, *later],
        )
        if owner_kind == ACCOUNT_OWNER:
            own = [c["id"] for c in self.campaigns if c["account"] == form.owner_urn]
            if own:
                picked = rng.sample(own, min(len(own), rng.randint(1, 2)))
                form.campaigns = tuple(picked)
                form.creatives = tuple(
                    tuple(_unique_ints(rng, 200_000_000, 299_999_999, rng.randint(1, 3), used))
                    for _ in picked
                )
        elif lead_type == "EVENT":
            form.event_id = _unique_ints(rng, 7_000_000_000_000_000_000,
                                         7_099_999_999_999_999_999, 1, used)[0]  # fmt: skip
        return form

    def _register_form(self, form: FormRecord) -> None:
        self._form_by_id[form.form_id] = len(self._forms)
        self._forms_by_owner.setdefault(form.owner_urn, []).append(len(self._forms))
        self._forms.append(form)
        for version in form.versions:
            self.form_versions[(form.form_id, version["versionId"])] = version

    def _generate_leads(
        self,
        rng: random.Random,
        form: FormRecord,
        n: int,
        test_ratio: float,
        same_ms_ratio: float,
    ) -> None:
        form_index = self._form_by_id[form.form_id]
        span = self.end_ms - self.start_ms
        members = self._members.setdefault((form.owner_urn, form.lead_type), array("q"))
        first = len(self._times)
        times = self._times
        test = self._test
        random_ = rng.random
        previous = -1
        for _ in range(n):
            if previous >= 0 and random_() < same_ms_ratio:
                submitted = previous  # several leads in the same millisecond
            else:
                submitted = self.start_ms + int(random_() * span)
            times.append(submitted)
            test.append(random_() < test_ratio)
            previous = submitted
        self._form_of.extend([form_index] * n)
        members.extend(range(first, first + n))

    # ------------------------------------------------------------------ growth

    def add_leads(
        self,
        n: int,
        *,
        submitted_at: int | datetime | str | None = None,
        account_id: int | None = None,
        organization_id: int | None = None,
        form_id: int | None = None,
        test_lead: bool = False,
    ) -> list[JsonDict]:
        """Add ``n`` new leads (deterministically) and return them as the API would.

        Without ``submitted_at`` the new leads are one minute apart, starting one minute after
        the newest existing lead (or ``end_ms``), and ``end_ms`` moves past them. With it, all
        ``n`` leads share that millisecond (useful for bookmark-boundary tests).

        Args:
            n: How many leads to add.
            submitted_at: Their submission time (epoch ms, datetime or ISO string).
            account_id: Restrict to this account's published forms.
            organization_id: Restrict to this organization's published forms.
            form_id: Put every lead on this form.
            test_lead: Flag the new leads as test leads.

        Returns:
            The new leads.

        Raises:
            ValueError: If no published form matches.
        """
        with self._lock:
            forms = self._eligible_forms(account_id, organization_id, form_id)
            newest = max(self._times) if self._times else self.end_ms
            base = max(newest, self.end_ms)
            fixed = to_epoch_ms(submitted_at) if submitted_at is not None else None
            added = []
            for number in range(n):
                form = forms[self._add_cursor % len(forms)]
                self._add_cursor += 1
                submitted = fixed if fixed is not None else base + (number + 1) * 60_000
                index = len(self._times)
                self._times.append(submitted)
                self._test.append(test_lead)
                self._form_of.append(self._form_by_id[form.form_id])
                key = (form.owner_urn, form.lead_type)
                self._members.setdefault(key, array("q")).append(index)
                self._index.pop(key, None)
                if self._lead_ids is not None:
                    self._lead_ids[lead_id(self.seed, index)] = index
                added.append(index)
                self.end_ms = max(self.end_ms, submitted + 1)
            self._leads_cache = None
            return [self.lead(index) for index in added]

    def _eligible_forms(
        self, account_id: int | None, organization_id: int | None, form_id: int | None
    ) -> list[FormRecord]:
        if form_id is not None:
            if form_id not in self._form_by_id:
                msg = f"unknown form {form_id}"
                raise ValueError(msg)
            return [self._forms[self._form_by_id[form_id]]]
        if account_id is not None:
            owners = [f"urn:li:{ACCOUNT_OWNER}:{account_id}"]
        elif organization_id is not None:
            owners = [f"urn:li:{ORGANIZATION_OWNER}:{organization_id}"]
        else:
            owners = [
                f"urn:li:{ACCOUNT_OWNER}:{a['id']}"
                for a in self.accounts
                if a["status"] == "ACTIVE"
            ]
        forms = [
            self._forms[i]
            for owner in owners
            for i in self._forms_by_owner.get(owner, [])
            if self._forms[i].state == "PUBLISHED"
        ]
        if not forms:
            msg = "no published form matches"
            raise ValueError(msg)
        return forms

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
