"""The figures API: the figures themselves (figures.py) and the plan and settings they are
measured against (plans.py)."""

from .figures import FIGURES_MAX_ROWS, FiguresViewSet, _bounded, _figure_body  # noqa: F401
from .plans import CELL_DEFAULTS, CountryFigureSettingsViewSet, PlanTargetViewSet  # noqa: F401
