"""Write the Meltano Hub definition of the extractor from the tap's own ``--about``.

    .venv/bin/python scripts/hub_definition.py            # rewrite the committed file
    .venv/bin/python scripts/hub_definition.py --check    # exit 1 if it is out of date

The file lands at ``hub/extractors/tap-linkedin-leads/<variant>.yml``, the path it takes in the
meltano/hub repository under ``_data/meltano/``, in the Hub's own layout (keys, settings and
capabilities sorted), so a Hub pull request copies it unchanged. Until the tap is listed,
``meltano add --plugin-type extractor tap-linkedin-leads --from-ref <that file>`` adds it with
the same definition.

What comes from where:

- settings (name, label, kind, description, sensitive), capabilities and the executable: the
  tap's ``--about --format=json``, so the definition cannot drift from the code;
- ``settings_group_validation``: ``CREDENTIAL_GROUPS``, the sets of settings the tap accepts
  as credentials;
- ``pip_url``, ``repo``, ``docs`` and the variant (the repository's owner): the package
  metadata in pyproject.toml;
- the Hub's descriptive fields (label, logo, keywords, maintenance status): ``LISTING`` below.

No setting carries a ``value``: Meltano would pass it to the tap explicitly, freezing defaults
that belong to a release (``user_agent`` names the version; ``api_version`` moves as LinkedIn
retires versions) in every project that added the plugin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from importlib.metadata import metadata
from pathlib import Path
from urllib.parse import urlparse

import yaml

from tap_linkedin_leads.settings import CREDENTIAL_GROUPS

if t.TYPE_CHECKING:
    from collections.abc import Sequence

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "tap-linkedin-leads"

#: Hub fields that describe the listing rather than the code.
LISTING: dict[str, t.Any] = {
    "label": "LinkedIn Lead Sync",
    "description": "Leads from LinkedIn Lead Gen Forms (ads and company pages)",
    "domain_url": "https://learn.microsoft.com/en-us/linkedin/marketing/lead-sync/leadsync",
    # The LinkedIn logo the Hub already serves for its LinkedIn extractors.
    "logo_url": "/assets/logos/extractors/linkedin-ads.png",
    "keywords": ["api", "leads", "linkedin", "marketing", "meltano_sdk"],
    # Pre-1.0: the settings and the record shapes may still change between minor releases.
    "maintenance_status": "beta",
}

#: JSON-schema type of a setting -> Meltano setting kind (dates and enums are refined below).
_KIND_OF_TYPE = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}


def tap_about() -> dict[str, t.Any]:
    """``tap-linkedin-leads --about --format=json`` of the installed tap."""
    result = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return t.cast("dict[str, t.Any]", json.loads(result.stdout))


def setting_kind(schema: dict[str, t.Any]) -> str:
    """Meltano's kind for a setting's JSON schema."""
    if schema.get("format") == "date-time":
        return "date_iso8601"
    types = schema.get("type", "string")
    (json_type,) = [types] if isinstance(types, str) else [n for n in types if n != "null"]
    if json_type == "string" and "enum" in schema:
        return "options"
    return _KIND_OF_TYPE[json_type]


def hub_setting(name: str, schema: dict[str, t.Any]) -> dict[str, t.Any]:
    """One entry of ``settings``, keys sorted as the Hub keeps them."""
    setting: dict[str, t.Any] = {
        "description": " ".join(schema["description"].split()),
        "kind": setting_kind(schema),
        "label": schema["title"],
        "name": name,
    }
    if setting["kind"] == "options":
        setting["options"] = [{"label": v.title(), "value": v} for v in schema["enum"]]
    if schema.get("secret"):
        setting["sensitive"] = True
    return setting


def project_urls() -> dict[str, str]:
    """``[project.urls]`` of the installed package, by label."""
    urls = {}
    for entry in metadata(DISTRIBUTION).get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip()] = url.strip()
    return urls


def variant_of(repository: str) -> str:
    """The Hub variant: the owner of the repository (``github.com/<owner>/<name>``)."""
    return urlparse(repository).path.strip("/").split("/")[0].lower()


def definition(about: dict[str, t.Any], urls: dict[str, str]) -> dict[str, t.Any]:
    """The Hub plugin definition, keys in the Hub's (sorted) order."""
    name = about["name"]
    properties = about["settings"]["properties"]
    fields: dict[str, t.Any] = {
        **LISTING,
        "capabilities": sorted(about["capabilities"]),
        "docs": urls["Documentation"],
        "executable": name,
        "name": name,
        "namespace": name.replace("-", "_"),
        "pip_url": DISTRIBUTION,
        "repo": urls["Repository"],
        "settings": [hub_setting(n, properties[n]) for n in sorted(properties)],
        "settings_group_validation": [sorted(group) for group in CREDENTIAL_GROUPS],
        "variant": variant_of(urls["Repository"]),
    }
    return dict(sorted(fields.items()))


def definition_path(variant: str) -> Path:
    """Where the definition is committed (the Hub's ``_data/meltano/`` layout)."""
    return ROOT / "hub" / "extractors" / DISTRIBUTION / f"{variant}.yml"


def render(plugin: dict[str, t.Any]) -> str:
    """YAML as the Hub writes it: block style, no key reordering."""
    return str(yaml.safe_dump(plugin, sort_keys=False, width=100, allow_unicode=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Write the definition, or with ``--check`` report whether the committed one is current."""
    args = sys.argv[1:] if argv is None else list(argv)
    plugin = definition(tap_about(), project_urls())
    path = definition_path(plugin["variant"])
    text = render(plugin)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    if args == ["--check"]:
        if path.is_file() and path.read_text() == text:
            return 0
        print(
            f"{shown} is out of date: run `.venv/bin/python scripts/hub_definition.py`.",
            file=sys.stderr,
        )
        return 1
    if args:
        print(__doc__, file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
