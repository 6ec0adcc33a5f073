"""Every audit check is named in the user's words on the auditor's screen and in
`office-app audit`, never by its internal name."""
from __future__ import annotations

import pytest

from office_app.services.integrity import CHECKS
from office_app.services.integrity.runner import check_label


@pytest.mark.parametrize("language", ["en", "sr_Latn", "sr_Cyrl", "sq"])
def test_every_check_has_a_label_in_every_language(language: str) -> None:
    for name in CHECKS:
        label = check_label(name, language)
        assert label != name, f"check {name!r} has no label"
        assert "_" not in label, f"check {name!r} shows {label!r}"
        if language != "en":
            assert label != check_label(name, "en"), f"{name!r} untranslated in {language}"
