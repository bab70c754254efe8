"""Application scenarios (场景): the catalogue (import from YAML or CSV) and linking themes to it by
meaning — scenarios for technologies, technologies for scenarios, and what neither serves."""

from foresight.scenarios.catalogue import CatalogueError, CatalogueImport, import_catalogue, parse_catalogue
from foresight.scenarios.service import (
    LinkReport,
    link_scenarios,
    orphans,
    scenarios_for_theme,
    themes_for_scenario,
)

__all__ = [
    "CatalogueError",
    "CatalogueImport",
    "LinkReport",
    "import_catalogue",
    "link_scenarios",
    "orphans",
    "parse_catalogue",
    "scenarios_for_theme",
    "themes_for_scenario",
]
