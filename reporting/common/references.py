"""Reference data (partners, indicators with sectors, locations) held in memory for one
request or one batch.

Reports are read without joining the reference tables: a ten-way join costs PostgreSQL
more to plan (~25 ms) than to run, and a batch would otherwise look codes up row by row.
Codes come from three small `values_list` queries; model objects (which validation needs)
are loaded only when a request writes.
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import Indicator, Sector
from partners.models import Partner
from reporting.locations.models import Location


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: 'Lima ' and 'LIMA', 'Tumbes' and 'túmbes'."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(folded.casefold().split())


NAME_FIELDS = ("name", "region_name", "name_es")
ACRONYM = re.compile(r"\(([^()]{2,20})\)\s*$")


def _acronyms(name: str) -> list[str]:
    """'ACNUR - UN Refugee Agency (UNHCR)' -> ['UNHCR']."""
    found = ACRONYM.search(name)
    return [found.group(1).strip()] if found else []


class _Shared:
    """What every ReferenceIndex of this process has loaded of the kinds below, under the
    reference generation it was loaded at (config.db.generations.reference_generation):
    a request reads one counter instead of the reference tables. Only the latest
    generation is kept. The objects are shared by every request: read them, never change
    them (a write changes its own copy, loaded by the model's manager)."""

    KINDS = frozenset({"partner", "indicator", "location", "sector"})  # bump the counter

    def __init__(self):
        self.generation = None
        self.values: dict = {}

    def get(self, generation, name: str, load):
        if generation is None:
            return load()
        if generation != self.generation:
            self.generation, self.values = generation, {}
        values = self.values  # a concurrent thread may replace the dict: use one
        if name not in values:
            values[name] = load()
        return values[name]


SHARED = _Shared()
_UNREAD = object()


class ReferenceIndex:
    # kind -> () -> (objects, code attribute); domains add theirs (ReferenceIndex.register).
    loaders: dict = {
        "partner": lambda: (Partner.objects.all(), "code"),
        "indicator": lambda: (Indicator.objects.select_related("sector__parent"), "code"),
        "location": lambda: (Location.objects.select_related("parent"), "pcode"),
        "sector": lambda: (Sector.objects.select_related("parent"), "code"),
    }

    LOADERS = dict(loaders)  # the core kinds' own loaders, as shared

    @classmethod
    def register(cls, kind: str, loader) -> None:
        cls.loaders[kind] = loader

    def __init__(self):
        self._objects: dict[str, dict[str, object]] = {}
        self._objects_by_id: dict[str, dict[int, object]] = {}
        self._codes: dict[str, dict[int, tuple]] | None = None
        self._name_index: dict[str, tuple[dict, dict]] = {}
        self._named: dict[tuple, tuple] = {}
        self._generation = _UNREAD

    def _shared(self, name: str, load):
        """`load()`, or what this process loaded at the same reference generation."""
        if self._generation is _UNREAD:
            from config.db.generations import reference_generation

            self._generation = reference_generation()
        return SHARED.get(self._generation, name, load)

    # --- objects, for writes -------------------------------------------------------------
    def _load_objects(self, kind: str) -> None:
        def load() -> tuple[dict, dict]:
            queryset, key = self.loaders[kind]()
            objects = list(queryset)
            return {getattr(o, key): o for o in objects}, {o.pk: o for o in objects}

        if kind in _Shared.KINDS and self.loaders[kind] is ReferenceIndex.LOADERS[kind]:
            loaded = self._shared(f"objects:{kind}", load)
        else:
            loaded = load()
        self._objects[kind], self._objects_by_id[kind] = loaded

    def get(self, kind: str, code: str):
        """The object with this code, or None."""
        if kind not in self._objects:
            self._load_objects(kind)
        return self._objects[kind].get(code)

    def suggest(
        self, kind: str, text: str, limit: int = 3, *, level: str | None = None
    ) -> list[str]:
        """The closest valid codes to `text`, each with its name ("PE15 Lima"): a name
        written instead of a code, a code mistyped. Empty when nothing is close. `level`:
        locations of that level only (a country cell suggests countries)."""
        if kind not in self._objects:
            self._load_objects(kind)
        wanted = _plain(text)
        if not wanted:
            return []
        labels: dict[str, str] = {}  # plain code or name -> "CODE Name"
        for code, obj in self._objects[kind].items():
            if level is not None and getattr(obj, "level", None) != level:
                continue
            label = f"{code} {getattr(obj, 'name', '')}".strip()
            labels.setdefault(_plain(code), label)
            for name in NAME_FIELDS:  # the region's spelling and the Spanish name too
                if getattr(obj, name, None):
                    labels.setdefault(_plain(getattr(obj, name)), label)
        exact = [label for key, label in labels.items() if key == wanted]
        if exact:  # a name written for its code: that one only
            return exact[:limit]
        close = difflib.get_close_matches(wanted, list(labels), n=limit * 2, cutoff=0.75)
        contains = sorted(
            label for key, label in labels.items() if len(wanted) >= 4 and wanted in key
        )
        out = list(dict.fromkeys([*exact, *(labels[c] for c in close), *contains]))
        return out[:limit]

    def by_name(self, kind: str, text: str, *, within=None) -> list:
        """The objects `text` names: by their name, the region's spelling or the Spanish one
        (accents, case and spaces aside), or by the acronym in parentheses that ends their
        name or the text ("United Nations High Commissioner for Refugees (UNHCR)" names the
        partner whose name ends in "(UNHCR)"). `within`: only locations under it. More than
        one: the name is ambiguous, and the caller must not guess."""
        asked = (kind, text, None if within is None else within.pk)
        if (found := self._named.get(asked)) is None:
            # a file names the same places and indicators row after row
            found = self._named[asked] = tuple(self._by_name(kind, text, within))
        return list(found)

    def _by_name(self, kind: str, text: str, within) -> list:
        if kind not in self._objects:
            self._load_objects(kind)
        if kind not in self._name_index:
            names: dict[str, list] = {}
            in_parentheses: dict[str, list] = {}
            for obj in self._objects[kind].values():
                for key in {_plain(getattr(obj, n)) for n in NAME_FIELDS if getattr(obj, n, None)}:
                    names.setdefault(key, []).append(obj)
                for key in {_plain(a) for a in _acronyms(getattr(obj, "name", "") or "")}:
                    in_parentheses.setdefault(key, []).append(obj)
            self._name_index[kind] = (names, in_parentheses)
        names, in_parentheses = self._name_index[kind]

        def named(index: dict, key: str) -> list:
            out = index.get(key, [])
            if within is not None:
                out = [o for o in out if getattr(o, "parent_id", None) == within.pk]
            return out

        # A whole name first: "Santo Domingo" is the province of that name, not the
        # "Distrito Nacional (Santo Domingo)" it also ends.
        key = _plain(text)
        found = named(names, key) or named(in_parentheses, key)
        if not found:
            for acronym in _acronyms(str(text)):
                key = _plain(acronym)
                found = named(names, key) or named(in_parentheses, key) or found
                code = self._objects[kind].get(acronym.upper())
                if (
                    code is not None
                    and code not in found
                    and (within is None or getattr(code, "parent_id", None) == within.pk)
                ):
                    found = [*found, code]
        return list(dict.fromkeys(found))

    def object_by_id(self, kind: str, pk: int | None):
        if pk is None:
            return None
        if kind not in self._objects_by_id:
            self._load_objects(kind)
        return self._objects_by_id[kind][pk]

    def attach(self, reports: Iterable) -> None:
        """Give each report its partner, indicator and location objects without a query."""
        for report in reports:
            report.partner = self.object_by_id("partner", report.partner_id)
            report.implementing_partner = self.object_by_id(
                "partner", report.implementing_partner_id
            )
            report.indicator = self.object_by_id("indicator", report.indicator_id)
            report.admin1 = self.object_by_id("location", report.admin1_id)
            report.admin2 = self.object_by_id("location", report.admin2_id)

    # --- codes, for reads ----------------------------------------------------------------
    def codes(self) -> dict[str, dict[int, tuple]]:
        """{kind: {id: (code, parent code)}}; the parent of an indicator is its sector."""
        if self._codes is None:
            self._codes = self._shared("codes", self._load_codes)
        return self._codes

    @staticmethod
    def _load_codes() -> dict[str, dict[int, tuple]]:
        return {
            "partner": {i: (c, None) for i, c in Partner.objects.values_list("id", "code")},
            "indicator": {
                i: (c, s) for i, c, s in Indicator.objects.values_list("id", "code", "sector__code")
            },
            "location": {
                i: (c, p)
                for i, c, p in Location.objects.values_list("id", "pcode", "parent__pcode")
            },
        }

    def names(self) -> dict[str, dict[str, str]]:
        """{kind: {code: name}} for partners, locations and sectors: what figures print next
        to their codes, in the request's language (three small queries, once per index and
        language)."""
        from django.utils.translation import get_language

        spanish = (get_language() or "").startswith("es")
        cache = self.__dict__.setdefault("_names", {})
        if spanish not in cache:
            from indicators.models import Sector

            def named(rows) -> dict[str, str]:
                return {code: (es if spanish and es else name) for code, name, es in rows}

            cache[spanish] = self._shared(
                f"names:{spanish}",
                lambda: {
                    "partner": dict(Partner.objects.values_list("code", "name")),
                    "location": named(Location.objects.values_list("pcode", "name", "name_es")),
                    "sector": named(Sector.objects.values_list("code", "name", "name_es")),
                },
            )
        return cache[spanish]

    def template_choices(self) -> dict[str, list[str]]:
        """Drop-down values for the 5W template: each starts with the code it stands for."""
        for kind in ("partner", "indicator", "location"):
            self.get(kind, "")  # load
        partners = [f"{p.code} {p.name}" for p in self._objects["partner"].values()]
        indicators = [f"{i.code} {i.name}" for i in self._objects["indicator"].values() if i.active]
        locations = list(self._objects["location"].values())
        return {
            "partners": sorted(partners),
            "indicators": sorted(indicators),
            "admin1": sorted(f"{x.pcode} {x.name}" for x in locations if x.level == "admin1"),
            "admin2": sorted(f"{x.pcode} {x.name}" for x in locations if x.level == "admin2"),
        }

    def indicator_facts(self) -> dict[int, dict]:
        """id -> code, name, unit, type, sector and the top-level sector (subsectors roll
        up to their parent in figures)."""
        if "indicator" not in self._objects:
            self._load_objects("indicator")
        from indicators.models import name_for_reader

        return {
            pk: {
                "code": i.code,
                "name": name_for_reader(i),
                "unit": i.unit,
                "type": i.indicator_type,
                "sector": i.sector.code,
                "root_sector": i.sector.root_code,
            }
            for pk, i in self._objects_by_id["indicator"].items()
        }

    def sector(self, code: str):
        return self.get("sector", code)

    def indicator_ids_of_sector(self, sector) -> set[int]:
        """Indicators of a sector and of its subsectors."""
        if "indicator" not in self._objects:
            self._load_objects("indicator")
        return {pk for pk, i in self._objects_by_id["indicator"].items() if sector.covers(i.sector)}

    def admin1_ids_of(self, country_id: int) -> set[int]:
        if "location" not in self._objects:
            self._load_objects("location")
        return {
            pk
            for pk, loc in self._objects_by_id["location"].items()
            if loc.level == "admin1" and loc.parent_id == country_id
        }


@extend_schema_field({"type": "string", "maxLength": 40})
class ReferenceField(serializers.Field):
    """A reference object by its code, looked up in the request's ReferenceIndex: a batch
    of thousands of rows costs one query per kind, not one per row."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    default_error_messages = {
        "invalid": _("Expected a code (text)."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        references = references_in(self.context)
        found = references.get(self.kind, data.strip())
        if found is None:
            found = references.get(self.kind, data.strip().upper())
        if found is None:
            raise serializers.ValidationError(
                unknown_code_message(self.kind, data, references.suggest(self.kind, data)),
                code="does_not_exist",
            )
        return found

    def to_representation(self, value):
        return getattr(value, "code", value)


KIND_NAMES = {
    "partner": _("partner"), "location": _("location"), "indicator": _("indicator"),
    "sector": _("sector"), "border_point": _("border point"), "country": _("country"),
}  # fmt: skip


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind.replace("_", " ")))


def unknown_code_message(kind: str, value, suggestions: list[str]) -> str:
    """The message for a code that is not one: "Unknown location 'Lima'; did you mean PE15
    Lima?" when something close exists."""
    names = {"kind": kind_name(kind), "value": repr(value)}
    if suggestions:
        return _("Unknown %(kind)s %(value)s; did you mean %(suggestions)s?") % {
            **names, "suggestions": _(" or ").join(suggestions)
        }  # fmt: skip
    return _("Unknown %(kind)s %(value)s.") % names


def references_in(context: dict) -> ReferenceIndex:
    """The request's reference index, shared by every field and row of one request."""
    return context.setdefault("references", ReferenceIndex())
