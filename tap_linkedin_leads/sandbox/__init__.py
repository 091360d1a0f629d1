"""A faithful local stand-in for LinkedIn's Marketing REST API (Lead Sync subset).

Public API::

    from tap_linkedin_leads.sandbox import SandboxData, SandboxServer, Fault

    data = SandboxData.generate(seed=7, accounts=3, organizations=1)
    with SandboxServer(data, faults=[Fault("rate_limit", endpoint="leadFormResponses")]) as s:
        config = s.tap_config()

Standard library only. Behaviour, UNCONFIRMED choices and fault kinds are documented in
``README.md`` next to this file.
"""

from tap_linkedin_leads.sandbox.data import SandboxData
from tap_linkedin_leads.sandbox.faults import Fault
from tap_linkedin_leads.sandbox.paging import ShortPagePlan
from tap_linkedin_leads.sandbox.requestlog import RecordedRequest
from tap_linkedin_leads.sandbox.server import SandboxServer

__all__ = ["Fault", "RecordedRequest", "SandboxData", "SandboxServer", "ShortPagePlan"]
