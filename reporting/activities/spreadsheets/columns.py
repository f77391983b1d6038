"""The 5W's columns: their headers in English and Spanish, HXL hashtags, and how a file's
header is matched to them."""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.api.columns import register_hxl_tags, register_labels
from config.api.spreadsheets import SheetError


@dataclass(frozen=True)
class Column:
    label: str  # the 5W header, as in the template
    key: str  # the API field (dotted for breakdowns)
    hxl: str
    label_es: str  # the header of the regional Spanish 5W template
    aliases: tuple[str, ...] = ()  # other names seen in partners' files (either language)


COLUMNS = [
    Column("External ID", "external_id", "#meta +id", "ID externo", ("id externo",)),
    Column("Country", "country", "#country +code", "País", ("pais",)),
    Column("Admin1", "admin1", "#adm1 +code", "Admin1",
           ("admin 1", "departamento", "department", "estado")),
    Column("Admin2", "admin2", "#adm2 +code", "Admin2",
           ("admin 2", "provincia", "province", "municipio")),
    Column("Appealing organisation", "partner", "#org +name", "Organización principal",
           ("appealing organization", "organisation", "organization", "organizacion",
            "socio", "socio principal", "organizacion solicitante",
            "organizacion que reporta", "appealing org")),
    Column("Implementation set-up (yes/no)", "implementation_setup", "#org +impl +setup",
           "Configuración de implementación (sí/no)",
           ("implementation set up", "implementation setup", "configuracion de implementacion",
            "implementacion a traves de socio", "implementation")),
    Column("Implementing partner", "implementing_partner", "#org +impl", "Socio implementador",
           ("implementing organisation", "implementing organization", "socio implementador",
            "organizacion implementadora")),
    Column("Month", "month", "#date +month", "Mes", ("mes", "reporting month", "mes de reporte")),
    Column("Sector / subsector", "sector", "#sector", "Sector / subsector",
           ("sector", "subsector", "sector subsector")),
    Column("Indicator", "indicator", "#indicator +code", "Indicador", ("indicador",)),
    Column("Activity name", "activity_name", "#activity +name", "Nombre de la actividad",
           ("actividad", "activity", "nombre de actividad")),
    Column("Activity description", "activity_description", "#activity +description",
           "Descripción de la actividad",
           ("descripcion de la actividad", "description", "descripcion")),
    Column("RMRP activity (yes/no)", "rmrp", "#activity +rmrp", "Actividad RMRP (sí/no)",
           ("rmrp activity", "rmrp", "actividad rmrp", "rmrpactivity")),
    Column("COVID-19 situation (yes/no)", "covid19", "#activity +covid",
           "Situación COVID-19 (sí/no)",
           ("covid 19 situation", "covid 19", "covid", "situacion covid 19")),
    Column("CVA (yes/no)", "cva", "#activity +cva", "CVA (sí/no)",
           ("cva", "cash and voucher assistance", "transferencias monetarias",
            "asistencia en efectivo y cupones")),
    Column("Value in USD", "cva_value_usd", "#value +usd", "Valor en USD",
           ("cva value in usd", "cva value usd", "value usd", "cva value", "valor en usd",
            "valor usd", "valor cva en usd", "value")),
    Column("Delivery mechanism", "delivery_mechanism", "#delivery +type", "Mecanismo de entrega",
           ("cva delivery mechanism", "mecanismo de entrega", "mecanismo de entrega cva")),
    Column("Quantity of output", "quantity", "#output +num", "Cantidad de producto",
           ("quantity", "cantidad", "cantidad de output", "cantidad de producto",
            "quantity output")),
    Column("Total monthly beneficiaries", "total_beneficiaries", "#reached +total",
           "Beneficiarios totales",
           ("total beneficiaries", "total monthly beneficiaries", "beneficiarios totales",
            "total de beneficiarios", "beneficiarios totales mensuales",
            "total de beneficiarios mensuales", "total monthly")),
    Column("New beneficiaries of the month", "new_beneficiaries", "#reached +new",
           "Nuevos beneficiarios",
           ("new beneficiaries", "new monthly beneficiaries", "nuevos beneficiarios",
            "nuevos beneficiarios del mes")),
    Column("In destination", "population.in_destination", "#reached +new +destination",
           "En destino",
           ("population in destination", "refugees and migrants in destination", "en destino",
            "refugiados y migrantes en destino")),
    Column("In transit", "population.in_transit", "#reached +new +transit", "En tránsito",
           ("population in transit", "refugees and migrants in transit", "en transito",
            "refugiados y migrantes en transito")),
    Column("Host community", "population.host_community", "#reached +new +host",
           "Comunidad de acogida",
           ("population host community", "host communities", "comunidad de acogida",
            "comunidades de acogida", "comunidad receptora")),
    Column("Pendular", "population.pendular", "#reached +new +pendular", "Pendulares",
           ("population pendular", "pendulars", "pendulares", "pendular")),
    Column("Returnees", "population.returnees", "#reached +new +returnees", "Retornados",
           ("population returnees", "colombian returnees", "retornados",
            "colombianos retornados", "retornados colombianos")),
    Column("Girls (<18)", "age_sex.girls", "#reached +new +f +children", "Niñas (<18)",
           ("girls", "ninas")),
    Column("Boys (<18)", "age_sex.boys", "#reached +new +m +children", "Niños (<18)",
           ("boys", "ninos")),
    Column("Women", "age_sex.women", "#reached +new +f +adults", "Mujeres (>=18)",
           ("women", "mujeres", "mujeres 18")),
    Column("Men", "age_sex.men", "#reached +new +m +adults", "Hombres (>=18)",
           ("men", "hombres", "hombres 18")),
    Column("Other (<18)", "age_sex.other_under_18", "#reached +new +other +children",
           "Otros (<18)", ("other under 18", "otros lt 18", "otros menores de 18", "other under")),
    Column("Other (18+)", "age_sex.other_over_18", "#reached +new +other +adults",
           "Otros (>=18)", ("other over 18", "other 18 and over", "otros 18", "otros 18 plus",
                            "other above")),
]  # fmt: skip


def label(column: Column) -> str:
    """The column's header in the request's language."""
    return column.label_es if (get_language() or "").startswith("es") else column.label


# The report's id: an export uploads back as is, each row updating the report it shows.
ID_HEADERS = {"id", "report id", "id del reporte"}


# Columns an export or an error report adds that an upload ignores: values the service
# sets (read-only), names printed next to codes, the error report's own columns.
IGNORED_HEADERS = {
    "created at", "updated at", "created by", "updated by", "version", "deleted at", "row",
    "fila", "quality flags", "partner name", "implementing partner name", "admin1 name",
    "admin2 name", "creado el", "actualizado el", "creado por", "actualizado por",
    "eliminado el", "alertas de calidad", "nombre del socio", "nombre del admin1",
    "nombre del admin2", "nombre del indicador", "nombre del sector", "nombre del pais",
    "indicator name", "sector name", "country name",
    "platform",  # ActivityInfo's export: the country's platform, known from the country
}  # fmt: skip


IGNORED_PATTERN = re.compile(r"(error|errores?) \d+")


REQUIRED_KEYS = {"month", "admin1", "indicator", "activity_name", "rmrp", "cva"}


def normalize(header: str) -> str:
    """'Girls (<18)' -> 'girls lt 18'; 'Año' -> 'ano'; 'total_beneficiaries' -> 'total
    beneficiaries'."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    text = text.lower().replace("<", " lt ").replace("+", " plus ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


register_hxl_tags({c.key: c.hxl for c in COLUMNS})


register_labels({c.key: (c.label, c.label_es) for c in COLUMNS}, override=True)


register_labels({"quality_flags": ("Quality flags", "Alertas de calidad")})


HEADERS: dict[str, str] = {}


for _column in COLUMNS:
    for _name in (_column.label, _column.label_es, _column.key, *_column.aliases):
        # One header, one column: a name two columns claim would be read as either.
        assert HEADERS.setdefault(normalize(_name), _column.key) == _column.key, _name


HEADERS.update({"other lt 18": "age_sex.other_under_18", "other 18 plus": "age_sex.other_over_18"})


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _is_hxl(cells) -> bool:
    """Every filled cell a hashtag (#adm1+code): HXL's line under the header. Stops at the
    first filled cell that is not one (every data row, at once)."""
    filled = False
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        if text and not text.startswith("#"):
            return False
        filled = filled or bool(text)
    return filled


def header_keys(header: list[Any]) -> list[str | None]:
    """API key per column (None: a column to ignore); raises SheetError for unknown, doubled
    or missing columns."""
    keys, unknown, seen = [], [], {}
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        plain = normalize(text)
        if not text or plain in IGNORED_HEADERS or IGNORED_PATTERN.fullmatch(plain):
            keys.append(None)
            continue
        key = "id" if plain in ID_HEADERS else HEADERS.get(plain)
        if key is None:
            unknown.append(text)
        elif key in seen:
            raise SheetError(
                "duplicate_columns",
                _("Columns %(first)s and %(second)s both mean %(key)s.")
                % {"first": repr(seen[key]), "second": repr(text), "key": key},
            )
        else:
            seen[key] = text
        keys.append(key)
    if unknown:
        raise SheetError(
            "unknown_columns",
            _(
                "Unknown columns: %(columns)s. Use the 5W column names of the template or the "
                "API field names."
            ) % {"columns": ", ".join(repr(u) for u in unknown)},
        )  # fmt: skip
    missing = REQUIRED_KEYS - seen.keys()
    if missing:
        labels = [str(label(c)) for c in COLUMNS if c.key in missing]
        raise SheetError(
            "missing_columns", _("Missing columns: %(columns)s.") % {"columns": ", ".join(labels)}
        )
    return keys
