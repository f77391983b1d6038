from django.db import transaction

from config.api.exceptions import Conflict
from config.api.fields import month_str
from config.db.choices import ChangeChannel
from config.db.versioning import VersionedRecords
from reporting.sitreps.models import KeyFigure, KeyFigureHistoryEntry, Narrative


def key_figure_values(figure: KeyFigure) -> dict:
    """A key figure as the API names it (history keeps these)."""
    return {
        "month": month_str(figure.month),
        "country": figure.country.pcode if figure.country_id else None,
        "section": figure.section, "label": figure.label, "label_es": figure.label_es,
        "value": float(figure.value), "unit": figure.unit, "as_of": figure.as_of.isoformat(),
        "source": figure.source, "link": figure.link,
    }  # fmt: skip


KEY_FIGURES = VersionedRecords(
    live=lambda: KeyFigure.objects.select_related("country"),
    history_model=KeyFigureHistoryEntry,
    subject="key_figure",
    duplicate=lambda figure: Conflict(code="conflict"),  # no natural key of its own
)


@transaction.atomic
def key_figure_create(*, data: dict, user) -> KeyFigure:
    return KEY_FIGURES.create(
        KeyFigure(**data), values=key_figure_values, user=user, channel=ChangeChannel.API
    )


@transaction.atomic
def key_figure_update(*, figure: KeyFigure, data: dict, user, expected_version=None) -> KeyFigure:
    return KEY_FIGURES.update(
        figure.pk, data, values=key_figure_values, user=user, channel=ChangeChannel.API,
        expected_version=expected_version,
    )  # fmt: skip


@transaction.atomic
def key_figure_delete(*, figure: KeyFigure, user, expected_version=None) -> None:
    KEY_FIGURES.delete(
        figure.pk, values=key_figure_values, user=user, channel=ChangeChannel.API,
        expected_version=expected_version,
    )  # fmt: skip


@transaction.atomic
def narrative_set(*, month, scope: str, section: str, language: str, text: str, user):
    """A section's paragraph in one language, written or rewritten (empty: removed)."""
    key = {"month": month, "scope": scope, "section": section, "language": language}
    if not text.strip():
        Narrative.objects.filter(**key).delete()
        return None
    narrative, _ = Narrative.objects.update_or_create(
        **key, defaults={"text": text.strip(), "updated_by": user}
    )
    return narrative
