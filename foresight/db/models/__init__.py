"""All typed models, one module per capability; importing this package registers every table."""

from foresight.db.models.analysis import AnalysisRun, Theme, ThemeField, ThemeMembership
from foresight.db.models.documents import (
    ACCESS_LEVELS,
    DOCUMENT_KINDS,
    LANGUAGES,
    Document,
    DocumentSource,
    ImportBatch,
)
from foresight.db.models.embeddings import Embedding

__all__ = [
    "ACCESS_LEVELS",
    "DOCUMENT_KINDS",
    "LANGUAGES",
    "AnalysisRun",
    "Document",
    "DocumentSource",
    "Embedding",
    "ImportBatch",
    "Theme",
    "ThemeField",
    "ThemeMembership",
]
