"""The English catalogue is complete and its committed .mo matches the .po (runtime needs no gettext)."""

import gettext
import re
from pathlib import Path

from django.conf import settings

LC = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def _unescape(quoted: str) -> str:
    """The text of a .po string's quoted lines, with its escapes (\\" \\n \\\\) resolved."""
    text = "".join(re.findall(r'"(.*)"', quoted))
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _po_entries() -> dict[str, str]:
    text = (LC / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n")[1:]:  # the first block is the header
        assert "#, fuzzy" not in block, block
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        context = re.search(r'^msgctxt ((?:".*"\n)+)', block + "\n", re.M)
        if msgid:
            key = (_unescape(context.group(1)) if context else "", _unescape(msgid.group(1)))
            entries[key] = _unescape(msgstr.group(1))
    return entries


def test_every_message_has_an_english_translation():
    entries = _po_entries()
    assert len(entries) > 200
    untranslated = [k for k, v in entries.items() if not v]
    assert untranslated == []


def test_the_compiled_catalogue_is_current():
    with open(LC / "django.mo", "rb") as f:
        catalog = gettext.GNUTranslations(f)
    entries = _po_entries()
    for (context, msgid), msgstr in entries.items():
        if "%(counter)s" in msgid:
            continue  # plurals: checked through the rendered pages
        found = catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)
        assert found == msgstr, msgid
