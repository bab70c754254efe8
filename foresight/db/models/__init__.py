"""All typed models, one module per capability; importing this package registers every table."""

from foresight.db.models.analysis import AnalysisRun, Theme, ThemeField, ThemeMembership
from foresight.db.models.curation import (
    Annotation,
    CatalogueField,
    CurationOp,
    GraphLink,
    RetiredTheme,
    RunTermStats,
    Scenario,
    ThemeScenario,
)
from foresight.db.models.delphi import (
    AuditEvent,
    Comment,
    Expert,
    Invitation,
    ItemVersion,
    OutboxMessage,
    Response,
    Round,
    Survey,
    SurveyItem,
)
from foresight.db.models.documents import (
    ACCESS_LEVELS,
    DOCUMENT_KINDS,
    LANGUAGES,
    Document,
    DocumentSource,
    ImportBatch,
)
from foresight.db.models.embeddings import Embedding
from foresight.db.models.monitoring import Alert, LineageEvent, ThemeIndicators, Watch

__all__ = [
    "ACCESS_LEVELS",
    "DOCUMENT_KINDS",
    "LANGUAGES",
    "Alert",
    "AnalysisRun",
    "Annotation",
    "AuditEvent",
    "CatalogueField",
    "Comment",
    "CurationOp",
    "Document",
    "DocumentSource",
    "Embedding",
    "Expert",
    "GraphLink",
    "ImportBatch",
    "Invitation",
    "ItemVersion",
    "LineageEvent",
    "OutboxMessage",
    "Response",
    "RetiredTheme",
    "Round",
    "RunTermStats",
    "Scenario",
    "Survey",
    "SurveyItem",
    "Theme",
    "ThemeField",
    "ThemeIndicators",
    "ThemeMembership",
    "ThemeScenario",
    "Watch",
]
