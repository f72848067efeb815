"""Document writers never fail on text from data: every control character and every other hostile
payload, in every text slot of the report model, in every format, comes out as plain, readable text.

The ``controls`` payload holds every C0 control and DEL at once; the writers' shared rule
(``reports.format.clean_text``) is also checked character by character.
"""

from __future__ import annotations

import re

import pytest

from reports.export import write
from reports.format import clean_text
from reports.model import FORMATS
from tests.hostile.documents import READERS, hostile_report
from tests.hostile.payloads import CONTROLS, PAYLOADS

INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("code", [ord(c) for c in CONTROLS])
def test_each_control_character_is_removed_or_kept_as_whitespace(code):
    out = clean_text(f"Acme{chr(code)}Corp")
    assert out == ("Acme" + chr(code) + "Corp" if chr(code) in "\t\n\r" else "AcmeCorp")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_hostile_text_in_every_slot_of_every_format(tmp_path, fmt, name):
    path = write(hostile_report(PAYLOADS[name]), fmt, tmp_path / "r")
    content = READERS[fmt](path)
    assert "Acme" in content or name.startswith("formula")
    assert not INVALID.search(content.replace("\t", " ")), f"a control character reached the {fmt} file"
