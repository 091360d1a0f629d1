"""The test-lead passes: which ``limitedToTestLeads`` values to ask for, which leads to keep.

``limitedToTestLeads=true`` returns test leads only. Whether ``false`` means "real leads
only" or "all leads" is undocumented, so ``test_leads: include`` asks for both, every mode
filters on each lead's own ``testLead`` whatever LinkedIn returned, and a test lead that
both passes return is kept once.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["PassFilter", "left_out", "passes"]


def passes(test_leads: str) -> list[bool]:
    """The ``limitedToTestLeads`` values to ask for, in order, for the ``test_leads`` setting."""
    return {"exclude": [False], "only": [True]}.get(test_leads, [False, True])


def left_out(test_leads: str, *, is_test: bool) -> bool:
    """Whether the ``test_leads`` setting leaves a lead out, whatever LinkedIn returned."""
    return (test_leads == "exclude" and is_test) or (test_leads == "only" and not is_test)


class PassFilter:
    """Which leads of one owner's passes are kept, fed in the order the passes arrive."""

    def __init__(self, test_leads: str) -> None:
        """Keep leads for the ``test_leads`` setting (``include``, ``exclude`` or ``only``)."""
        self._mode = test_leads
        #: Test leads kept from a ``false`` pass, in case LinkedIn's ``false`` returns test
        #: leads too. Only test leads are remembered, so this stays small.
        self._test_ids_seen: set[str] = set()

    def keeps(self, lead: Mapping[str, t.Any], *, limited: bool) -> bool:
        """Whether ``lead``, returned by the ``limitedToTestLeads=limited`` pass, is kept."""
        is_test = lead.get("testLead") is True
        if left_out(self._mode, is_test=is_test):
            return False
        if is_test and self._mode == "include":
            if limited:
                return lead.get("id") not in self._test_ids_seen
            self._test_ids_seen.add(str(lead.get("id")))
        return True
