"""c-TF-IDF keywords and labels, English and Chinese, and the per-theme summaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from foresight.themes.represent import CTfidfRepresentation, class_tfidf, document_terms, make_label, phrases
from foresight.themes.summary import centroids, representative_docs

EN_AND_ZH = [
    "Graph neural networks with message passing for molecules.",
    "Message passing graph neural networks scale to large graphs.",
    "We study graph neural networks and message passing over citation graphs.",
    "Dark matter halos in galaxy clusters observed with weak lensing.",
    "Weak lensing maps of dark matter in galaxy clusters.",
    "Galaxy clusters constrain dark matter through weak lensing.",
    "基于卷积神经网络的图像识别方法，深度学习模型提高了图像识别精度。",
    "深度学习与卷积神经网络在医学图像识别中的应用。",
    "金矿床的地质构造特征与成矿作用研究。",
    "该区金矿床受剪切带地质构造控制，成矿作用明显。",
]
LANGS = ["en"] * 6 + ["zh"] * 4
GROUPS = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 3])


def test_phrases_break_at_stop_words_and_punctuation():
    assert list(phrases("Message passing in graph neural networks, for molecules.", "en")) == [
        ["message", "passing"],
        ["graph", "neural", "networks"],
        ["molecules"],
    ]


def test_document_terms_build_ngrams_within_runs_only():
    terms = document_terms("Message passing in graph neural networks.", "en", (1, 3))
    assert "message passing" in terms
    assert "graph neural networks" in terms
    assert "passing graph" not in terms  # "in" separates them
    assert terms.count("neural") == 1


def test_chinese_terms_use_jieba_and_join_without_spaces():
    terms = document_terms("基于深度学习的图像识别方法研究，卷积神经网络", "zh", (1, 2))
    assert {"深度学习", "图像识别", "卷积神经网络", "神经网络"} <= set(terms)
    assert "学习图像识别" not in terms  # 的 is a stop word and breaks the run
    assert not any(" " in t for t in terms)


def test_english_and_chinese_keywords():
    rep = CTfidfRepresentation(ngram_range=(1, 3)).fit(EN_AND_ZH, GROUPS, LANGS)
    top = {c: [t for t, _ in rep.keywords_[c][:5]] for c in rep.classes_}
    assert {"graph neural networks", "message passing"} <= set(top[0])
    assert {"galaxy clusters", "weak lensing", "dark matter"} <= set(top[1])
    assert {"图像识别", "卷积神经网络", "深度学习"} <= set(top[2])
    assert {"地质构造", "成矿作用"} <= set(top[3])
    assert rep.labels_text_[0] == "graph neural networks / message passing"  # "graphs" repeats "graph"
    assert rep.labels_text_[3].split(" / ")[:2] == ["地质构造", "成矿作用"]
    for kws in rep.keywords_.values():
        weights = [w for _, w in kws]
        assert weights == sorted(weights, reverse=True)
        assert all(w > 0 for w in weights)


def test_languages_default_still_segments_chinese():
    rep = CTfidfRepresentation().fit(EN_AND_ZH, GROUPS)
    assert "地质构造" in [t for t, _ in rep.keywords_[3]]


def test_noise_gets_no_keywords_but_counts_in_idf():
    labels = GROUPS.copy()
    labels[labels == 3] = -1
    rep = CTfidfRepresentation().fit(EN_AND_ZH, labels, LANGS)
    assert list(rep.classes_) == [0, 1, 2]
    assert -1 not in rep.keywords_


def test_class_tfidf_matches_the_formula():
    # two classes over three terms; docs 0,1 -> class 0, doc 2 -> class 1
    doc_term = sp.csr_matrix(np.array([[2, 1, 0], [2, 0, 0], [0, 1, 3]]))
    labels = np.array([0, 0, 1])
    weights, counts = class_tfidf(doc_term, labels, np.array([0, 1]), reduce_frequent_words=False)
    assert counts.toarray().tolist() == [[4, 1, 0], [0, 1, 3]]
    avg = 9 / 2
    freq = np.array([4, 2, 3])
    idf = np.log(1 + avg / freq)
    expected = np.array([[4 / 5, 1 / 5, 0], [0, 1 / 4, 3 / 4]]) * idf
    assert np.allclose(weights.toarray(), expected)
    sqrt_w, _ = class_tfidf(doc_term, labels, np.array([1]), reduce_frequent_words=True)
    tf = np.array([0, 1, math.sqrt(3)])
    assert np.allclose(sqrt_w.toarray()[0], tf / tf.sum() * idf)
    bm25, _ = class_tfidf(doc_term, labels, np.array([0]), reduce_frequent_words=False, bm25_weighting=True)
    bm25_idf = np.log(1 + (avg - freq + 0.5) / (freq + 0.5))
    assert np.allclose(bm25.toarray()[0], np.array([4 / 5, 1 / 5, 0]) * bm25_idf)


def test_make_label_prefers_frequent_phrases_and_skips_repeats():
    ranked = [("neural", 0.4), ("graph neural networks", 0.3), ("networks", 0.2), ("message passing", 0.1)]
    assert make_label(ranked, 2) == "graph neural networks / message passing"
    counts = {"neural": 10.0, "graph neural networks": 3.0, "networks": 9.0, "message passing": 4.0}
    assert make_label(ranked, 2, counts=counts) == "neural / networks"
    assert make_label([], 3) == ""
    plurals = [("halos", 0.5), ("halo", 0.4), ("black holes", 0.3), ("black hole", 0.2), ("galaxies", 0.1)]
    assert make_label(plurals, 3) == "halos / black holes / galaxies"
    assert (
        make_label([("量子计算", 0.5), ("量子", 0.4), ("纠错", 0.3)], 2, separator="、") == "量子计算、纠错"
    )


def test_empty_texts_give_empty_keywords():
    rep = CTfidfRepresentation().fit(["", "", "the of and"], np.array([0, 0, 1]))
    assert rep.keywords_ == {0: [], 1: []}
    assert rep.labels_text_ == {0: "", 1: ""}


def test_languages_length_checked():
    with pytest.raises(ValueError, match="languages"):
        CTfidfRepresentation().fit(EN_AND_ZH, GROUPS, ["en"])


def test_centroids_and_representative_docs():
    X = np.array([[1.0, 0.0], [2.0, 0.1], [0.0, 3.0], [0.2, 1.0], [5.0, 5.0]])
    labels = np.array([0, 0, 1, 1, -1])
    C = centroids(X, labels, np.array([0, 1, 2]))
    assert np.allclose(np.linalg.norm(C[:2], axis=1), 1.0)
    assert np.allclose(C[2], 0.0)  # no members
    assert C[0][0] > 0.99
    assert representative_docs(X, labels, 1, C[1], k=5) == (2, 3)
    assert representative_docs(X, labels, 1, C[1], k=1) == (2,)
    assert representative_docs(X, labels, 7, C[1]) == ()


def test_chinese_keywords_reuse_the_lexical_embedders_segmentation():
    from foresight.embeddings.chinese import LexicalEmbedder
    from foresight.text.tokenize import clear_segment_cache, segment_cache_info

    zh = [t for t, lang in zip(EN_AND_ZH, LANGS, strict=True) if lang == "zh"]
    clear_segment_cache()
    cold = CTfidfRepresentation().fit(zh, GROUPS[6:], "zh")
    clear_segment_cache()
    LexicalEmbedder(n_components=2).fit_transform(zh)
    misses = segment_cache_info().misses
    warm = CTfidfRepresentation().fit(zh, GROUPS[6:], "zh")
    assert segment_cache_info().misses == misses  # jieba ran once per text, for the embedder
    assert warm.keywords_ == cold.keywords_
    assert warm.labels_text_ == cold.labels_text_
    assert list(warm.vocabulary_) == list(cold.vocabulary_)
    clear_segment_cache()
