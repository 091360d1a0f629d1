"""Making one lead readable, in place.

It gets its derived ids and time, its campaign's name, the form version it was submitted
on and its answers labelled by question; a form version that cannot be matched exactly is
reported once. Where campaign names and form versions come from is injected (the run's
:class:`~tap_linkedin_leads.campaign_names.CampaignNames` and
:class:`~tap_linkedin_leads.form_catalog.FormCatalog`), so this is tested without HTTP.
"""

from __future__ import annotations

import typing as t

from tap_linkedin_leads.answers import resolve_answers
from tap_linkedin_leads.leads import derive_lead_fields

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Mapping

    from tap_linkedin_leads.form_catalog import ResolvedVersion

__all__ = ["CampaignNameLookup", "FormVersionResolver", "LeadEnricher"]

#: ``(account_id, campaign_id) -> name``; ``None`` if the account has no such campaign.
CampaignNameLookup: t.TypeAlias = "Callable[[int, int], str | None]"
#: ``(versionedLeadGenFormUrn, lead id, owner) -> version``, as the form catalog resolves it.
FormVersionResolver: t.TypeAlias = (
    "Callable[[str | None, str | None, Mapping[str, t.Any]], ResolvedVersion]"
)


class LeadEnricher:
    """Adds the readable fields to each lead of a run, in place."""

    def __init__(
        self,
        resolve_form: FormVersionResolver,
        campaign_name: CampaignNameLookup | None,
        logger: logging.Logger,
    ) -> None:
        """``campaign_name`` is ``None`` when ``campaign_name`` is deselected: none is looked up."""
        self._resolve_form = resolve_form
        self._campaign_name = campaign_name
        self._logger = logger
        self._warned_forms: set[tuple[int, int | None]] = set()

    def make_readable(self, lead: dict[str, t.Any], owner: Mapping[str, t.Any]) -> None:
        """Add the derived and readable fields to ``lead``, a lead of ``owner``."""
        derive_lead_fields(lead)
        if self._campaign_name is not None:
            account_id, campaign_id = lead["account_id"], lead["campaign_id"]
            lead["campaign_name"] = (
                self._campaign_name(account_id, campaign_id)
                if account_id is not None and campaign_id is not None
                else None
            )
        urn, lead_id = lead.get("versionedLeadGenFormUrn"), lead.get("id")
        resolved = self._resolve_form(
            urn if isinstance(urn, str) else None,
            lead_id if isinstance(lead_id, str) else None,
            owner,
        )
        lead["form_id"], lead["form_version"] = resolved.form_id, resolved.version
        form = resolved.form
        unknown = resolve_answers(lead, form)
        if resolved.problem is not None:
            self._warn_once(resolved.form_id, resolved.version, resolved.problem)
        elif unknown and form is not None:
            self._warn_once(
                form.form_id,
                resolved.version,
                f"{len(unknown)} answered question(s) are not in it and keep their raw ids",
            )

    def _warn_once(self, form_id: object, version: object, problem: str) -> None:
        key = (
            form_id if isinstance(form_id, int) else -1,
            version if isinstance(version, int) else None,
        )
        if key in self._warned_forms:
            return
        self._warned_forms.add(key)
        self._logger.warning("Lead form %s version %s: %s.", form_id, version, problem)
