"""The sandbox's synthetic, deterministic LinkedIn data set: how it is generated.

:meth:`SandboxData.generate` builds ad accounts, campaigns, organizations, lead forms (with
versions) and leads from a seed and a few sizes; the same arguments always give the same data.
:meth:`SandboxData.add_leads` grows it deterministically. Where it is kept and how the API
finds it is :mod:`linkedin_sandbox.store`.
"""

from __future__ import annotations

import random
from array import array
from datetime import datetime, timedelta, timezone

from linkedin_sandbox import fakes
from linkedin_sandbox.forms import (
    ORGANIC_LEAD_TYPES,
    SPONSORED,
    FormRecord,
    build_form,
)
from linkedin_sandbox.store import (
    ACCOUNT_OWNER,
    ORGANIZATION_OWNER,
    DataStore,
    JsonDict,
    to_epoch_ms,
)

DAY_MS = 86_400_000
DEFAULT_END = datetime(2026, 11, 1, tzinfo=timezone.utc)
"""Fixed default end of the data window, so data depends on the seed and sizes only."""
DEFAULT_SPAN = timedelta(days=90)


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


class SandboxData(DataStore):
    """A deterministic synthetic LinkedIn data set (build it with :meth:`generate`)."""

    def __init__(self, seed: int, start_ms: int, end_ms: int) -> None:
        """Create an empty data set; use :meth:`generate` instead.

        Args:
            seed: Seed for every derived value.
            start_ms: Start of the lead window.
            end_ms: End of the lead window.
        """
        super().__init__(seed, start_ms, end_ms)
        self._add_cursor = 0

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
            data.add_owner(f"urn:li:{owner_kind}:{owner_id}")
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
                data.add_form(form)
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

    def _generate_leads(
        self,
        rng: random.Random,
        form: FormRecord,
        n: int,
        test_ratio: float,
        same_ms_ratio: float,
    ) -> None:
        span = self.end_ms - self.start_ms
        times = array("q")
        test = bytearray()
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
        self.add_leads_to_form(form, times, test)

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
            added: list[int] = []
            for number in range(n):
                form = forms[self._add_cursor % len(forms)]
                self._add_cursor += 1
                submitted = fixed if fixed is not None else base + (number + 1) * 60_000
                added.extend(self.add_leads_to_form(form, [submitted], [test_lead]))
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
