"""A faithful local stand-in for LinkedIn's Marketing REST API (Lead Sync subset).

Public API::

    from linkedin_sandbox import Fault, SandboxData, SandboxServer, ServerOptions

    data = SandboxData.generate(seed=7, accounts=3, organizations=1)
    options = ServerOptions(count_max=500)
    faults = [Fault("rate_limit", endpoint="leadFormResponses")]
    with SandboxServer(data, options, faults=faults) as server:
        config = server.tap_config()

Standard library only. Behaviour, UNCONFIRMED choices and fault kinds are documented in
``README.md`` of the distribution (``sandbox/README.md``).
"""

from linkedin_sandbox.data import SandboxData
from linkedin_sandbox.faults import Fault
from linkedin_sandbox.options import ServerOptions
from linkedin_sandbox.paging import ShortPagePlan
from linkedin_sandbox.requestlog import RecordedRequest
from linkedin_sandbox.server import SandboxServer

__all__ = [
    "Fault",
    "RecordedRequest",
    "SandboxData",
    "SandboxServer",
    "ServerOptions",
    "ShortPagePlan",
]
