"""The documentation matches the code: settings table, sample config."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tap_linkedin_leads.settings import SETTING_NAMES, SETTINGS_SCHEMA

ROOT = Path(__file__).resolve().parent.parent


def _about_settings_table() -> str:
    about = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--about", "--format=markdown"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    section = about.split("## Settings", 1)[1].split("A full list of supported settings", 1)[0]
    return section.strip()


def test_readme_settings_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = re.search(r"<!-- settings:start -->(.*)<!-- settings:end -->", readme, re.S)
    assert documented, "README has the settings markers"
    assert documented.group(1).strip() == _about_settings_table()


def test_every_setting_is_documented_with_title_description_and_examples() -> None:
    for name in SETTING_NAMES:
        prop = SETTINGS_SCHEMA["properties"][name]
        assert prop.get("title"), name
        assert prop.get("description"), name
        assert prop.get("examples"), name


def test_sample_config_has_every_setting() -> None:
    sample = json.loads((ROOT / "sample_config.json").read_text())
    assert set(sample) == set(SETTING_NAMES)
