"""What the tables the service writes call their columns: HXL hashtags, headers for people
in English and Spanish (`?headers=labels`), and the options of the person who asked.
Domains register their own columns here (register_hxl_tags, register_labels)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TableOptions:
    """How a table is written for the person who asked: the CSV separator, API names or
    labels as headers, and yes/no in their language."""

    delimiter: str = ","
    labels: bool = False
    spanish: bool = False
    yes: str = "yes"
    no: str = "no"


PLAIN = TableOptions()


# The HXL hashtag of each column name; domains add theirs (register_hxl_tags).
HXL_TAGS: dict[str, str] = {
    "id": "#meta +id",
    "external_id": "#meta +external_id",
    "partner": "#org",
    "implementing_partner": "#org +impl",
    "sector": "#sector",
    "admin1": "#adm1 +code",
    "admin2": "#adm2 +code",
    "country": "#country +code",
    "month": "#date +month",
    "age_sex.girls": "#reached +f +children",
    "age_sex.boys": "#reached +m +children",
    "age_sex.women": "#reached +f +adults",
    "age_sex.men": "#reached +m +adults",
    "people_reached": "#reached +total",
    "total": "#reached +total",
    "rmrp": "#reached +rmrp",
    "no_rmrp": "#reached +no_rmrp",
    "indicator": "#indicator +code",
    "indicator_name": "#indicator +name",
    "code": "#meta +code",
    "name": "#meta +name",
    "pcode": "#adm +code",
    "border_point": "#loc +border +code",
    "date_from": "#date +start",
    "date_to": "#date +end",
    "people": "#affected +crossing +num",
    "created_at": "#date +created",
    "updated_at": "#date +updated",
}


# Column name -> (English, Spanish) header for people (`?headers=labels`); domains add
# theirs (register_labels). Other columns read as their name, spaced.
LABELS: dict[str, tuple[str, str]] = {
    "id": ("ID", "ID"), "created_at": ("Created at", "Creado el"),
    "updated_at": ("Updated at", "Actualizado el"), "created_by": ("Created by", "Creado por"),
    "updated_by": ("Updated by", "Actualizado por"), "version": ("Version", "Versión"),
    "month": ("Month", "Mes"), "country": ("Country", "País"),
    "country_name": ("Country name", "Nombre del país"), "admin1": ("Admin1", "Admin1"),
    "admin1_name": ("Admin1 name", "Nombre del admin1"), "sector": ("Sector", "Sector"),
    "sector_name": ("Sector name", "Nombre del sector"),
    "subsector": ("Subsector", "Subsector"),
    "subsector_name": ("Subsector name", "Nombre del subsector"),
    "partner": ("Partner", "Socio"), "partner_name": ("Partner name", "Nombre del socio"),
    "people_reached": ("People reached", "Personas alcanzadas"),
    "cva_people": ("People receiving CVA", "Personas que reciben CVA"),
    "flags": ("Flags", "Alertas"), "provisional": ("Provisional", "Provisional"),
}  # fmt: skip


def register_labels(labels: dict[str, tuple[str, str]], *, override: bool = False) -> None:
    """A domain's headers; `override`: its own words win over the shared ones (the 5W's
    template headers, so an export with labels reads as the template does)."""
    for key, pair in labels.items():
        if override:
            LABELS[key] = pair
        else:
            LABELS.setdefault(key, pair)


def column_label(name: str, spanish: bool) -> str:
    pair = LABELS.get(name)
    if pair is not None:
        return pair[1] if spanish else pair[0]
    return name.replace("_", " ").replace(".", ": ").capitalize()


def register_hxl_tags(tags: dict[str, str]) -> None:
    """Hashtags for a domain's columns; a name already tagged keeps its tag."""
    for key, tag in tags.items():
        HXL_TAGS.setdefault(key, tag)


def header_row(columns: list[str], options: TableOptions) -> list[str]:
    if not options.labels:
        return columns
    return [column_label(c, options.spanish) for c in columns]
