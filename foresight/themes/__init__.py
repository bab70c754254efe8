"""Theme clustering: embeddings → UMAP → HDBSCAN → c-TF-IDF themes → fields, plus quality measures.

Pure functions and estimators (arrays in, results out); the store wiring lives elsewhere.
"""

from foresight.themes.cluster import HDBSCANClusterer
from foresight.themes.defaults import ScaledDefaults, scaled_defaults
from foresight.themes.hierarchy import Field, group_themes
from foresight.themes.pipeline import ThemeModel
from foresight.themes.quality import (
    StabilityReport,
    best_match_jaccard,
    theme_dbcv,
    theme_silhouettes,
    theme_stability,
)
from foresight.themes.reduce import UMAPReducer
from foresight.themes.represent import CTfidfRepresentation
from foresight.themes.summary import Theme

__all__ = [
    "CTfidfRepresentation",
    "Field",
    "HDBSCANClusterer",
    "ScaledDefaults",
    "StabilityReport",
    "Theme",
    "ThemeModel",
    "UMAPReducer",
    "best_match_jaccard",
    "group_themes",
    "scaled_defaults",
    "theme_dbcv",
    "theme_silhouettes",
    "theme_stability",
]
