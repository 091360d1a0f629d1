"""``python -m tap_linkedin_leads``: the same CLI as ``tap-linkedin-leads``."""

from __future__ import annotations

from tap_linkedin_leads.tap import TapLinkedInLeads

TapLinkedInLeads.cli()
