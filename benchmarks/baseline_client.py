"""A minimal hand-written LinkedIn Lead Sync client: the benchmark's baseline.

It asks for exactly the URLs the tap sends (the query strings below were copied from the
sandbox's request log of a tap run), with ``requests`` and the standard ``json`` module,
and writes every element as a Singer RECORD line (compact ``json.dumps`` + newline) to stdout.
No schema, no state, no type conformance, no readable answers: just the transfer and the
serialisation the tap cannot avoid, so ``tap / baseline`` throughput shows what the tap's
own work costs.

Usage (same config file as the tap; ``start_date`` and ``end_date`` are required)::

    python benchmarks/baseline_client.py --config config.json > records.jsonl
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import typing as t
from pathlib import Path

import requests

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

#: The ``fields`` projection the tap sends to leadFormResponses, verbatim from its URLs.
LEAD_FIELDS = (
    "id,owner,leadType,versionedLeadGenFormUrn,submitter,submittedAt,testLead,"
    "leadMetadata,associatedEntity,formResponse,"
    "form:(id,versionId,name,creationLocale,hiddenFields,content)"
)
#: ``pageSize`` of the cursor finders (adAccounts search, adCampaigns), as the tap sends it.
SEARCH_PAGE_SIZE = 100


def epoch_ms(value: str) -> int:
    """ISO 8601 date-time (``Z`` or offset) -> epoch milliseconds."""
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


def owner_param(account_id: int) -> str:
    """``owner=`` value for an ad account, Rest.li 2.0 encoded like the tap's."""
    return f"(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A{account_id})"


class BaselineClient:
    """Pages through the Lead Sync endpoints and prints RECORD lines."""

    def __init__(self, config: dict[str, t.Any], out: t.TextIO) -> None:
        """Prepare a keep-alive session with LinkedIn's headers (token added later)."""
        self.api = str(config["api_url"]).rstrip("/")
        self.config = config
        self.page_size = int(config.get("page_size", 1000))
        self.window = (epoch_ms(config["start_date"]), epoch_ms(config["end_date"]))
        self.out = out
        self.session = requests.Session()
        self.session.headers.update(
            {
                "LinkedIn-Version": str(config["api_version"]),
                "X-Restli-Protocol-Version": "2.0.0",
            }
        )

    def authenticate(self) -> None:
        """Exchange the refresh token for an access token."""
        response = self.session.post(
            self.config["oauth_token_url"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.config["refresh_token"],
                "client_id": self.config["client_id"],
                "client_secret": self.config["client_secret"],
            },
            timeout=60,
        )
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, query: str) -> dict[str, t.Any]:
        """GET ``{api}{path}?{query}`` and decode the JSON body."""
        response = self.session.get(f"{self.api}{path}?{query}", timeout=120)
        response.raise_for_status()
        body: dict[str, t.Any] = json.loads(response.content)
        return body

    def cursor_pages(self, path: str, query: str) -> Iterator[list[dict[str, t.Any]]]:
        """Pages of a ``pageSize``/``pageToken`` finder until there is no next token."""
        token: str | None = None
        while True:
            page_query = query if token is None else f"{query}&pageToken={token}"
            body = self.get(path, page_query)
            yield body.get("elements", [])
            token = (body.get("metadata") or {}).get("nextPageToken")
            if not token:
                return

    def offset_pages(self, path: str, query: str) -> Iterator[list[dict[str, t.Any]]]:
        """Pages of a ``start``/``count`` finder: ``start`` advances by ``count`` to the total."""
        start = 0
        while True:
            body = self.get(path, f"{query}&start={start}&count={self.page_size}")
            yield body.get("elements", [])
            start += self.page_size
            if start >= int(body.get("paging", {}).get("total", 0)):
                return

    def emit(self, stream: str, records: list[dict[str, t.Any]]) -> None:
        """One Singer RECORD line per record."""
        extracted = datetime.datetime.now(datetime.timezone.utc).isoformat()
        write = self.out.write
        for record in records:
            message = {
                "type": "RECORD",
                "stream": stream,
                "record": record,
                "time_extracted": extracted,
            }
            write(json.dumps(message, separators=(",", ":")) + "\n")

    def run(self) -> None:
        """Accounts, then per account its campaigns, forms and (non-test) sponsored leads."""
        self.authenticate()
        accounts: list[dict[str, t.Any]] = []
        for page in self.cursor_pages("/adAccounts", f"q=search&pageSize={SEARCH_PAGE_SIZE}"):
            self.emit("ad_accounts", page)
            accounts.extend(page)
        start_ms, end_ms = self.window
        for account in accounts:
            account_id = int(account["id"])
            owner = owner_param(account_id)
            for page in self.cursor_pages(
                f"/adAccounts/{account_id}/adCampaigns", f"q=search&pageSize={SEARCH_PAGE_SIZE}"
            ):
                self.emit("campaigns", page)
            for page in self.offset_pages("/leadForms", f"q=owner&owner={owner}"):
                self.emit("lead_forms", page)
            lead_query = (
                f"q=owner&owner={owner}&leadType=(leadType:SPONSORED)&limitedToTestLeads=false"
                f"&submittedAtTimeRange=(start:{start_ms},end:{end_ms})&fields={LEAD_FIELDS}"
            )
            for page in self.offset_pages("/leadFormResponses", lead_query):
                self.emit("lead_form_responses", [r for r in page if r.get("testLead") is not True])
        self.out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Read the config, sync, exit 0."""
    parser = argparse.ArgumentParser(description="Baseline LinkedIn Lead Sync client.")
    parser.add_argument("--config", required=True, type=Path, help="tap config JSON file")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    BaselineClient(config, sys.stdout).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
