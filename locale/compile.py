"""Fill the Spanish catalogue from locale/translate_es.py and compile it (make messages)."""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).parent))
from translate_es import ES  # noqa: E402

PO = Path(__file__).parent / "es" / "LC_MESSAGES" / "django.po"

catalogue = polib.pofile(str(PO))
catalogue.metadata.update(
    {"Language": "es", "Content-Type": "text/plain; charset=UTF-8",
     "Plural-Forms": "nplurals=2; plural=(n != 1);"}
)  # fmt: skip
missing = []
for entry in catalogue:
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    if entry.msgid in ES:
        entry.msgstr = ES[entry.msgid]
    else:
        missing.append(entry.msgid)
catalogue.save(str(PO))
catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
print(f"{len(catalogue) - len(missing)} translated, {len(missing)} missing")
for msgid in missing:
    print("  missing:", msgid)
