"""The pure parts of search: terms (stemming, compounds, jieba parts), Okapi BM25, explanations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.search import BM25, MAX_QUERY_CHARS, SearchFilters, SearchOptions, validate_query
from foresight.search.explain import matching_keywords, snippet
from foresight.search.terms import query_terms, search_terms, stem


def test_stem_strips_plural_endings_only() -> None:
    words = ["agents", "studies", "vehicles", "analysis", "focus", "glass", "bus", "networks", "keys"]
    assert [stem(w) for w in words] == [
        "agent", "study", "vehicle", "analysis", "focus", "glass", "bus", "network", "key",
    ]  # fmt: skip
    assert stem("深度学习") == "深度学习"


def test_search_terms_split_hyphenated_compounds_and_chinese_words() -> None:
    assert search_terms("Silyl-protecting agents", "en") == [
        "silyl-protecting",
        "silyl",
        "protecting",
        "agent",
    ]
    terms = search_terms("水运工程施工项目全过程管理", "zh")
    assert {"水运", "工程", "施工", "项目", "管理"} <= set(terms)
    assert query_terms("水运工程项目管理", "zh") == {
        "水运": "水运", "工程": "工程", "项目管理": "项目管理", "项目": "项目", "管理": "管理",
    }  # fmt: skip
    assert query_terms("Graph neural networks", "en") == {
        "graph": "graph",
        "neural": "neural",
        "network": "networks",
    }


def test_bm25_matches_the_okapi_formula() -> None:
    bm25 = BM25(k1=1.2, b=0.75).fit([["a", "b"], ["a", "c", "c"], ["d"]])
    idf_a, idf_c = math.log(1 + 1.5 / 2.5), math.log(1 + 2.5 / 1.5)
    scores = bm25.scores(["a", "c", "missing"])
    # doc 0: length 2 = avgdl, tf(a) = 1 → exactly idf(a); doc 1: length 3, tf(a) = 1, tf(c) = 2
    norm1 = 1.2 * (0.25 + 0.75 * 3 / 2)
    expected1 = idf_a * 2.2 / (1 + norm1) + idf_c * 2 * 2.2 / (2 + norm1)
    np.testing.assert_allclose(scores, [idf_a, expected1, 0.0], rtol=1e-6)
    assert bm25.idf_sum(["a", "a", "c"]) == pytest.approx(idf_a + idf_c)
    # coverage: doc 0 holds "a" once at average length → idf(a) / (idf(a) + idf(c))
    np.testing.assert_allclose(
        bm25.coverage(["a", "c"]),
        [idf_a / (idf_a + idf_c), min(1.0, expected1 / (idf_a + idf_c)), 0.0],
        rtol=1e-6,
    )
    # an unknown query term counts with the idf of df = 0; doc 2 ("d", length 1 < avgdl) scores above idf(d)
    idf_d = bm25.idf_[bm25.vocabulary_["d"]]
    bm25_d = idf_d * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 1 / 2))
    assert bm25.coverage(["d", "zzz"])[2] == pytest.approx(bm25_d / (idf_d + bm25.max_idf()))
    assert bm25.matched(["c", "a", "zzz"], [1, 0, 2]) == [["c", "a"], ["a"], []]


def test_bm25_of_an_empty_corpus_and_query() -> None:
    bm25 = BM25().fit([])
    assert bm25.scores(["x"]).shape == (0,)
    assert BM25().fit([["x"]]).scores([]).tolist() == [0.0]
    with pytest.raises(ValueError):
        BM25(b=2.0)


def test_query_validation() -> None:
    assert validate_query("  graph \n neural  networks ") == "graph neural networks"
    for bad in ("", "   \n\t "):
        with pytest.raises(ValueError, match="empty"):
            validate_query(bad)
    with pytest.raises(ValueError, match=f"at most {MAX_QUERY_CHARS}"):
        validate_query("x" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(ValueError, match="access"):
        SearchFilters(access="secret")
    with pytest.raises(ValueError, match="weights"):
        SearchOptions(semantic_weight=-1)


def test_explanations() -> None:
    keywords = [["language models", 0.3], ["控制系统", 0.2], ["vision", 0.1]]
    assert matching_keywords(keywords, ["model", "控制"]) == [["language models", 0.3], ["控制系统", 0.2]]
    abstract = "We study many things. " * 20 + "Agents protect silyl groups in the synthesis."
    text = snippet("Title", abstract, ["agent"])
    assert text is not None and "Agents protect silyl" in text and text.startswith("…") and len(text) <= 182
    assert snippet("T", "采用修正的Rodrigues参数建立了飞行器姿态控制系统", ["飞行器"]) == (
        "采用修正的Rodrigues参数建立了飞行器姿态控制系统"
    )
    assert snippet("T", None, ["x"]) is None and snippet("T", "nothing here", ["absent"]) is None
