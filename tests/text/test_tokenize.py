"""Bilingual tokenisation and stop words."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import jieba
import pytest

from foresight.text import STOPWORDS_EN, STOPWORDS_ZH, has_han, stopwords_for, tokenize, tokenize_many
from foresight.text.tokenize import segment


def test_english_words_are_lower_cased_without_stop_words_numbers_or_punctuation() -> None:
    text = "We propose a state-of-the-art 3D CNN for COVID-19 detection in 2024, reaching 95.3% accuracy."
    assert tokenize(text, "en") == [
        "state-of-the-art",
        "3d",
        "cnn",
        "covid-19",
        "detection",
        "reaching",
        "accuracy",
    ]


def test_chinese_is_segmented_by_jieba_and_keeps_english_terms() -> None:
    text = "本文提出了一种基于Lyapunov函数的飞行器姿态控制方法，结果表明该方法有效。"
    tokens = tokenize(text, "zh")
    assert "lyapunov" in tokens
    assert "飞行器" in tokens
    assert "姿态控制" in tokens
    for boilerplate in ("本文", "提出", "方法", "结果表明", "的", "，"):
        assert boilerplate not in tokens


def test_han_text_is_segmented_whatever_the_language_says() -> None:
    assert tokenize("量子计算机的纠错编码", "other") == tokenize("量子计算机的纠错编码", "zh")


def test_empty_and_stop_word_only_texts_give_no_tokens() -> None:
    assert tokenize("", "en") == []
    assert tokenize("the of and with", "en") == []
    assert tokenize("的了和", "zh") == []


def test_stop_word_lists() -> None:
    assert {"the", "propose", "paper"} <= STOPWORDS_EN
    assert {"的", "本文", "研究"} <= STOPWORDS_ZH
    assert all(w == w.lower() for w in STOPWORDS_EN)
    assert stopwords_for("zh") >= STOPWORDS_ZH | STOPWORDS_EN
    assert stopwords_for("en") == STOPWORDS_EN


def test_tokenize_many_and_has_han() -> None:
    assert tokenize_many(["graph networks", "图神经网络"], ["en", "zh"]) == [
        ["graph", "networks"],
        ["神经网络"],
    ]
    assert tokenize_many(["graph networks"], "en") == [["graph", "networks"]]
    with pytest.raises(ValueError):
        tokenize_many(["a", "b"], ["en"])
    assert has_han("深度学习 deep learning") and not has_han("deep learning")


def test_segment_is_memoised_and_changes_no_result() -> None:
    from foresight.text.tokenize import clear_segment_cache, segment, segment_cache_info

    text = "基于深度学习的图像识别方法研究，卷积神经网络 CNN 模型。"
    clear_segment_cache()
    cold = tokenize(text, "zh")
    info = segment_cache_info()
    assert (info.hits, info.misses, info.size) == (0, 1, 1)
    assert tokenize(text, "zh") == cold
    assert segment_cache_info().hits == 1
    words = segment(text)
    assert isinstance(words, tuple) and "cnn" in words and "，" in words  # punctuation kept here
    assert [w for w in words if w in cold] == cold
    clear_segment_cache()
    assert segment_cache_info() == (0, 0, 0, segment_cache_info().maxsize)
    assert segment("") == ()


def test_segment_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    tok = importlib.import_module("foresight.text.tokenize")  # the package re-exports the function
    monkeypatch.setattr(tok, "SEGMENT_CACHE_SIZE", 2)
    tok.clear_segment_cache()
    for text in ("深度学习", "图像识别", "神经网络"):
        tok.segment(text)
    assert tok.segment_cache_info().size == 2
    tok.segment("深度学习")  # the oldest was dropped: segmented again
    assert tok.segment_cache_info().misses == 4
    tok.clear_segment_cache()


def test_patent_claim_boilerplate_is_no_keyword() -> None:
    """The English counterpart of 本发明/所述: patent phrasing must not become a theme's keyword."""
    text = "The present invention relates to a battery, wherein said plurality of electrodes thereof"
    assert tokenize(text, "en") == ["battery", "electrodes"]


def test_segmentation_gives_jiebas_han_words_on_real_chinese_abstracts() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    path = Path(__file__).parents[2] / "data" / "demo" / "csl-sample.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(300), handle, strict=False)]
    texts = [f"{r.get('title') or ''}。{r.get('abstract') or ''}" for r in records]
    assert len(texts) == 300
    jieba.setLogLevel(60)
    for text in texts:
        expected = [w.strip().lower() for w in jieba.lcut(text) if han.search(w)]
        assert [w for w in segment(text) if han.search(w)] == expected


def test_latin_words_joined_by_hyphens_stay_whole_inside_chinese_text() -> None:
    tokens = tokenize("锆石U-Pb年龄与Cl-HCO3-Na型水化学特征", "zh")
    assert "u-pb" in tokens
    assert "cl-hco3-na" in tokens
    assert "锆石" in tokens
