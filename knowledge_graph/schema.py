"""Plain input records for :func:`knowledge_graph.build.build_theme_graph`.

Every builder argument accepts these dataclasses or plain dicts with the same keys, so callers (the
analysis pipeline, tests, notebooks) need not import anything but this module. Ids may be given bare
(``123``, ``"drone-delivery"``) or already prefixed (``"theme:123"``); the builder adds the prefix of the
node type from the ontology.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from dataclasses import field as _field
from typing import Any, TypeVar

__all__ = [
    "ACTIVE_IN",
    "CITES",
    "CONTAINS",
    "COVERS",
    "EVOLVES_INTO",
    "HAS_KEYWORD",
    "RELEVANT_TO",
    "SIMILAR_TO",
    "Citation",
    "DocId",
    "Field",
    "Keyword",
    "Lineage",
    "NodeKey",
    "Organization",
    "OrganizationLink",
    "Scenario",
    "ScenarioLink",
    "Similarity",
    "Technology",
    "Theme",
    "coerce",
]

# Edge type names the builder uses; each must exist in the ontology it is given.
SIMILAR_TO = "similar_to"
HAS_KEYWORD = "has_keyword"
CONTAINS = "contains"
EVOLVES_INTO = "evolves_into"
RELEVANT_TO = "relevant_to"
ACTIVE_IN = "active_in"
CITES = "cites"
COVERS = "covers"

NodeKey = int | str
DocId = int | str


@dataclass
class Field:
    """A technology field (领域); ``parent`` makes a field hierarchy."""

    id: NodeKey
    label_en: str = ""
    label_zh: str = ""
    parent: NodeKey | None = None
    attributes: dict[str, Any] = _field(default_factory=dict)


@dataclass
class Theme:
    """A theme (topic cluster) of one analysis run.

    Parameters
    ----------
    id : int or str
    label_en, label_zh : str
    documents : sequence of doc ids
        Member documents; when given and ``size`` is None, ``size = len(documents)``.
    size : int, optional
    keywords : sequence of str or mapping str -> float
        Representative terms, optionally with weights (default weight 1.0).
    field : id, optional
        The field containing this theme (``contains`` edge field -> theme).
    parent : id, optional
        A parent theme (``contains`` edge theme -> theme).
    run : id, optional
        The analysis run the theme comes from.
    centroid : sequence of float, optional
        Used for k-nearest-neighbour similarity edges when ``similarities`` is not given; not stored.
    attributes : dict
        Extra node attributes (indicators etc.), copied onto the node.
    """

    id: NodeKey
    label_en: str = ""
    label_zh: str = ""
    documents: Sequence[DocId] = ()
    size: int | None = None
    keywords: Sequence[str] | Mapping[str, float] = ()
    field: NodeKey | None = None
    parent: NodeKey | None = None
    run: NodeKey | None = None
    centroid: Sequence[float] | None = None
    attributes: dict[str, Any] = _field(default_factory=dict)


@dataclass
class Keyword:
    """Labels of a keyword node (optional: keywords named by themes get a node anyway)."""

    term: str
    label_en: str = ""
    label_zh: str = ""
    attributes: dict[str, Any] = _field(default_factory=dict)


@dataclass
class Scenario:
    """An application scenario (场景)."""

    id: NodeKey
    label_en: str = ""
    label_zh: str = ""
    attributes: dict[str, Any] = _field(default_factory=dict)


@dataclass
class Organization:
    """An actor: university, company, institute."""

    id: NodeKey
    label_en: str = ""
    label_zh: str = ""
    attributes: dict[str, Any] = _field(default_factory=dict)


@dataclass
class Technology:
    """A candidate technology (a Delphi item); ``themes`` maps theme id -> coverage weight."""

    id: NodeKey
    label_en: str = ""
    label_zh: str = ""
    themes: Mapping[NodeKey, float] = _field(default_factory=dict)
    scenarios: Mapping[NodeKey, float] = _field(default_factory=dict)
    attributes: dict[str, Any] = _field(default_factory=dict)


@dataclass
class Similarity:
    """A precomputed theme-theme similarity (undirected)."""

    source: NodeKey
    target: NodeKey
    weight: float


@dataclass
class Lineage:
    """An earlier run's theme continuing as a later run's theme."""

    source: NodeKey
    target: NodeKey
    weight: float = 1.0


@dataclass
class ScenarioLink:
    """Relevance of a theme to an application scenario."""

    theme: NodeKey
    scenario: NodeKey
    weight: float = 1.0


@dataclass
class OrganizationLink:
    """Strength of an organization in a theme."""

    organization: NodeKey
    theme: NodeKey
    weight: float = 1.0


@dataclass
class Citation:
    """Citations from documents of one theme to documents of another."""

    source: NodeKey
    target: NodeKey
    weight: float = 1.0


T = TypeVar("T")


def coerce(cls: type[T], item: T | Mapping[str, Any]) -> T:
    """Return ``item`` as a ``cls`` instance, building it from a dict when needed.

    Unknown dict keys raise ``TypeError`` naming them, so typos do not pass silently.
    """
    if isinstance(item, cls):
        return item
    if not isinstance(item, Mapping):
        raise TypeError(f"expected {cls.__name__} or a mapping, got {type(item).__name__}")
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(item) - names
    if unknown:
        raise TypeError(f"{cls.__name__}: unknown keys {sorted(unknown)} (allowed: {sorted(names)})")
    return cls(**item)
