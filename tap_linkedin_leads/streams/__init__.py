"""The streams: ad accounts, and per owner its campaigns, lead forms and lead form responses.

Owners are ad accounts (sponsored leads) and, when ``organization_ids`` is set, company
pages (organic leads). Ad accounts are the parent stream; organization owners are synced
through the same child streams once the accounts are done.
"""

from __future__ import annotations

from tap_linkedin_leads.streams.ad_accounts import AdAccountsStream
from tap_linkedin_leads.streams.campaigns import CampaignsStream
from tap_linkedin_leads.streams.lead_form_responses import LeadFormResponsesStream
from tap_linkedin_leads.streams.lead_forms import LeadFormsStream

__all__ = [
    "AdAccountsStream",
    "CampaignsStream",
    "LeadFormResponsesStream",
    "LeadFormsStream",
]
