"""All typed models, one module per capability; importing this package registers every table."""

from foresight.db.models.access import ApiKey, IdempotencyKey, Job
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
from foresight.db.models.priorities import PriorityListRecord

__all__ = [
    "ACCESS_LEVELS",
    "DOCUMENT_KINDS",
    "LANGUAGES",
    "Alert",
    "AnalysisRun",
    "Annotation",
    "ApiKey",
    "AuditEvent",
    "CatalogueField",
    "Comment",
    "CurationOp",
    "Document",
    "DocumentSource",
    "Embedding",
    "Expert",
    "GraphLink",
    "IdempotencyKey",
    "ImportBatch",
    "Invitation",
    "ItemVersion",
    "Job",
    "LineageEvent",
    "OutboxMessage",
    "PriorityListRecord",
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
