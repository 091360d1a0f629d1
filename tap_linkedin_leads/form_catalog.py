"""The run's catalog of lead form versions: which definition each lead was submitted on.

Lead pages are read without a ``fields`` projection, so they carry no form definition
(embedding the form in every lead makes each page several times larger). A lead names its
version in ``versionedLeadGenFormUrn``, and the catalog resolves that URN once per run:

1. a version already compiled this run: one dictionary lookup (the per-lead path);
2. the owner's forms from ``leadForms``, which gives the latest version of each form, read
   at most once per owner;
3. any other version of a listed form (an older one, or one newer than ``leadForms`` said):
   one lead of that version read alone with its form embedded, once per (form, version)
   per run;
4. if LinkedIn refuses that read or its answer has no usable form: the latest version of
   the form, reported once, never a read per lead.

How forms and leads are fetched is injected, so the catalog is tested without HTTP.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from tap_linkedin_leads.forms import CompiledForm
from tap_linkedin_leads.restli import parse_versioned_form_urn

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "FormCatalog",
    "LeadFormLoader",
    "OwnerFormsLoader",
    "ResolvedVersion",
]

#: The forms of one owner (``{"account_id": ...}`` or ``{"organization_id": ...}``), as
#: ``leadForms`` lists them.
OwnerFormsLoader: t.TypeAlias = "Callable[[Mapping[str, t.Any]], Iterable[Mapping[str, t.Any]]]"
#: One lead of ``owner`` read by id with its ``form`` embedded, or ``None`` when LinkedIn
#: refuses the read.
LeadFormLoader: t.TypeAlias = "Callable[[Mapping[str, t.Any], str], Mapping[str, t.Any] | None]"

_LATEST_USED = (
    "LinkedIn did not give this version, so its answers are labelled from the latest version "
    "(answers to questions not in it keep their raw question ids)"
)
_NOT_FOUND = "it was not found, so its answers keep their raw question ids"


@dataclass(frozen=True)
class ResolvedVersion:
    """What a lead's ``versionedLeadGenFormUrn`` resolves to."""

    form_id: int | None
    version: int | None
    #: The exact version; the latest one when ``problem`` says so; ``None`` if unknown.
    form: CompiledForm | None
    #: Why ``form`` is not exactly the lead's version (``None`` when it is).
    problem: str | None = None


def _owner_key(owner: Mapping[str, t.Any]) -> tuple[tuple[str, t.Any], ...]:
    return tuple(sorted(owner.items()))


class FormCatalog:
    """Compiled form versions of one run, by (form id, version) and by versioned URN."""

    def __init__(
        self,
        load_owner_forms: OwnerFormsLoader | None = None,
        load_lead_form: LeadFormLoader | None = None,
    ) -> None:
        """Start empty; ``None`` loaders mean the catalog knows only what it is given."""
        self.load_owner_forms = load_owner_forms
        self.load_lead_form = load_lead_form
        self._versions: dict[tuple[int, int | None], CompiledForm] = {}
        self._latest: dict[int, CompiledForm] = {}
        self._owners_loaded: set[tuple[tuple[str, t.Any], ...]] = set()
        self._resolved: dict[str | None, ResolvedVersion] = {}
        #: (form, version) pairs read by lead, successfully or not: never read twice.
        self._versions_read: set[tuple[int, int]] = set()

    # Filling the catalog

    def add(self, form: Mapping[str, t.Any], version: int | None = None) -> CompiledForm:
        """Compile and remember a form definition (the newest seen per id is ``latest``)."""
        compiled = CompiledForm.compile(form, version)
        self._versions[(compiled.form_id, compiled.version)] = compiled
        latest = self._latest.get(compiled.form_id)
        if latest is None or (compiled.version or 0) >= (latest.version or 0):
            self._latest[compiled.form_id] = compiled
        return compiled

    def owner_loaded(self, owner: Mapping[str, t.Any]) -> bool:
        """Whether the owner's forms were already listed this run."""
        return _owner_key(owner) in self._owners_loaded

    def mark_owner_loaded(self, owner: Mapping[str, t.Any]) -> None:
        """Remember that the owner's forms were listed, so they are not listed again."""
        self._owners_loaded.add(_owner_key(owner))

    # Looking up

    def exact(self, form_id: int, version: int | None) -> CompiledForm | None:
        """The compiled form of exactly this version, if known."""
        return self._versions.get((form_id, version))

    def latest(self, form_id: int) -> CompiledForm | None:
        """The newest known version of the form."""
        return self._latest.get(form_id)

    @property
    def versions_read_by_lead(self) -> int:
        """How many (form, version) pairs were asked for through a lead (extra calls)."""
        return len(self._versions_read)

    def reads_by_lead(self, urn: str | None, owner: Mapping[str, t.Any]) -> bool:
        """Whether resolving ``urn`` for ``owner`` now would read one of its leads.

        Lets the caller send that read ahead. ``False`` where it cannot tell yet: the
        owner's forms are not listed, so the listing may still give the version.
        """
        parsed = parse_versioned_form_urn(urn)
        if urn in self._resolved or parsed is None or self.load_lead_form is None:
            return False
        if not self.owner_loaded(owner) and self.load_owner_forms is not None:
            return False
        return (
            self.exact(*parsed) is None
            and parsed not in self._versions_read
            and self.latest(parsed[0]) is not None
        )

    def reads_once_listed(self, urn: str | None, listing: Mapping[int, int | None]) -> bool:
        """Whether ``urn`` will need a lead read once its owner's ``listing`` is added.

        ``listing`` maps each form id on the first page of the owner's ``leadForms`` answer
        to the version it gives. Lets a lead page fetched ahead send its reads before the
        main thread reaches the owner. Only forms this listing alone gives count: should
        another owner list the form too, one of its leads might be read first.
        """
        parsed = parse_versioned_form_urn(urn)
        if urn in self._resolved or parsed is None or self.load_lead_form is None:
            return False
        form_id, version = parsed
        if form_id not in listing:
            # Unlisted: not looked for lead by lead; on a later page: cannot tell yet.
            return False
        return (
            listing[form_id] != version
            and self.latest(form_id) is None
            and parsed not in self._versions_read
        )

    def resolve(
        self, urn: str | None, lead_id: str | None, owner: Mapping[str, t.Any]
    ) -> ResolvedVersion:
        """The form version of a lead of ``owner`` that names ``urn``.

        A URN is resolved once per run; later leads naming it cost one dictionary lookup.
        ``lead_id`` is the lead read with its form should the version be needed.
        """
        resolved = self._resolved.get(urn)
        if resolved is None:
            resolved = self._resolved[urn] = self._resolve_new(urn, lead_id, owner)
        return resolved

    def _resolve_new(
        self, urn: str | None, lead_id: str | None, owner: Mapping[str, t.Any]
    ) -> ResolvedVersion:
        parsed = parse_versioned_form_urn(urn)
        if parsed is None:
            return ResolvedVersion(None, None, None, _NOT_FOUND)
        form_id, version = parsed
        compiled = self.exact(form_id, version)
        if compiled is None and not self.owner_loaded(owner) and self.load_owner_forms:
            for form in self.load_owner_forms(owner):
                self.add(form)
            self.mark_owner_loaded(owner)
            compiled = self.exact(form_id, version)
        latest = self.latest(form_id)
        if compiled is None and latest is not None and lead_id:
            # Only versions of listed forms: a form its owner does not list is not looked
            # for lead by lead.
            compiled = self._read_by_lead(form_id, version, lead_id, owner)
        if compiled is not None:
            return ResolvedVersion(form_id, version, compiled)
        return ResolvedVersion(form_id, version, latest, _LATEST_USED if latest else _NOT_FOUND)

    def _read_by_lead(
        self, form_id: int, version: int, lead_id: str, owner: Mapping[str, t.Any]
    ) -> CompiledForm | None:
        """The version as embedded in one of its leads; read once per (form, version)."""
        if self.load_lead_form is None or (form_id, version) in self._versions_read:
            return None
        self._versions_read.add((form_id, version))
        lead = self.load_lead_form(owner, lead_id)
        form = lead.get("form") if lead is not None else None
        named = lead.get("versionedLeadGenFormUrn") if lead is not None else None
        if (
            not isinstance(form, dict)
            or not isinstance(form.get("content"), dict)
            or (named is not None and parse_versioned_form_urn(named) != (form_id, version))
        ):
            return None
        return self.add({**form, "id": form_id}, version)
