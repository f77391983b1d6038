"""Compile the Spanish catalogue (make messages, after makemessages has brought the .po up
to date with the code): `locale/es/LC_MESSAGES/django.po` is where translations live, as
translators and their tools (Poedit, Weblate, django-rosetta) work on them; this writes its
`.mo` and lists the messages still without Spanish (empty or fuzzy), which the tests refuse.
"""

from pathlib import Path

import polib

PO = Path(__file__).parent / "es" / "LC_MESSAGES" / "django.po"

catalogue = polib.pofile(str(PO))
catalogue.metadata.update(
    {"Language": "es", "Content-Type": "text/plain; charset=UTF-8",
     "Plural-Forms": "nplurals=2; plural=(n != 1);"}
)  # fmt: skip
catalogue.save(str(PO))
catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
missing = [e.msgid for e in catalogue if not e.msgstr or "fuzzy" in e.flags]
print(f"{len(catalogue) - len(missing)} translated, {len(missing)} missing")
for msgid in missing:
    print("  missing:", msgid)
