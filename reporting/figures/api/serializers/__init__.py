"""Figures analysts publish: /api/v1/figures/... and the per-country settings behind them."""

from .answers import (  # noqa: F401
    _MIXED,
    METHOD_SOURCES,
    SETTING_SOURCES,
    AgeSexFigureSerializer,
    CashFiguresSerializer,
    CashRowSerializer,
    CountrySettingsUsedSerializer,
    CoveredCountrySerializer,
    FigureMetaSerializer,
    GroupColumnsSerializer,
    IndicatorFiguresSerializer,
    IndicatorRowSerializer,
    MonthlyBeneficiariesSerializer,
    MonthlyRowSerializer,
    MonthsSerializer,
    PeopleReachedRowSerializer,
    PeopleReachedSerializer,
    PopulationFigureSerializer,
    ProgressRowSerializer,
    ProgressSerializer,
)
from .plans import (  # noqa: F401
    CountryFigureSettingsSerializer,
    PlanTargetSerializer,
    PlanTargetUploadResultSerializer,
    PlanTargetUploadSerializer,
)
from .queries import (  # noqa: F401
    FIGURES_MAX_MONTHS,
    FigureQuerySerializer,
    MonthlyBeneficiariesQuerySerializer,
    PeopleReachedQuerySerializer,
    _check_span,
)
