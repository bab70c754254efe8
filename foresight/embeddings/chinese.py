"""Chinese-aware representations: a lexical embedder over jieba words, fusion, and the automatic choice.

The default model (all-MiniLM-L6-v2) is English-only: about two thirds of the tokens it reads in a
Chinese abstract are [UNK], so its vectors of Chinese text carry little meaning. Three representations
are offered:

- ``"neural"``: the sentence-transformers vectors;
- ``"lexical"``: ``LexicalEmbedder``, TF-IDF over jieba words (with bilingual stop words) reduced by
  truncated SVD (latent semantic analysis), fitted on the corpus;
- ``"fused"``: ``FusedEmbedder``, the weighted concatenation of both (cosine similarity of fused vectors
  is the weighted mean of the two cosine similarities).

``choose_representation`` picks one from the [UNK] share of the model over the corpus and the share of
Chinese documents. The defaults come from ``bench/embeddings.py --part chinese --n 1000``: NMI of KMeans
(k = 67 disciplines, mean of three seeds) against the disciplines of 1,000 CSL title+abstracts /
1,000 CSLDCP abstracts was 0.438 / 0.446 for neural (all-MiniLM-L6-v2), 0.530 / 0.516 for lexical and
0.534 / 0.524 for fused with neural weight 0.3 (0.527 / 0.524 at 0.5, 0.482 / 0.484 at 0.7).
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from foresight.embeddings.backends import EmbeddingBackend, l2_normalize
from foresight.text.tokenize import has_han, tokenize

__all__ = [
    "CHINESE_MAJORITY_SHARE",
    "DEFAULT_FUSION_NEURAL_WEIGHT",
    "UNK_SHARE_MAX",
    "FusedEmbedder",
    "LexicalEmbedder",
    "RepresentationChoice",
    "assess_representation",
    "choose_representation",
    "fuse",
]

log = logging.getLogger(__name__)

#: Above this share of [UNK] tokens (over the Chinese documents, or over all when there are none) the
#: model is taken as unable to read the corpus. English arXiv abstracts: 0.0; Chinese CSL abstracts with
#: all-MiniLM-L6-v2: 0.65; a multilingual model reads both with well under 0.01.
UNK_SHARE_MAX = 0.05
#: Documents sampled to measure the [UNK] share.
UNK_SAMPLE_SIZE = 200
#: At or above this share of Chinese documents a corpus the model cannot read gets ``CHINESE_DEFAULT``;
#: below it (mixed corpora, where the model still reads the other documents) it gets ``"fused"``.
CHINESE_MAJORITY_SHARE = 0.8
#: Representation for a mostly-Chinese corpus the model cannot read: fused had the best NMI on both CSL
#: corpora, lexical second (see the module docstring).
CHINESE_DEFAULT = "fused"
#: Weight of the neural part in fused vectors (the lexical part gets 1 - weight). Of 0.2-0.7, 0.3 was
#: best on CSL (0.534) and within 0.006 of the best (0.4: 0.530) on CSLDCP.
DEFAULT_FUSION_NEURAL_WEIGHT = 0.3
REPRESENTATIONS = ("neural", "lexical", "fused")


def _tokens(text: str) -> list[str]:
    """Words of one text, Chinese segmentation when it contains Han characters.

    jieba's output is memoised per text (``foresight.text.segment``): the theme keywords of the same
    corpus (``foresight.themes.represent``) reuse it instead of segmenting again.
    """
    return tokenize(text, "zh" if has_han(text) else "en")


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class LexicalEmbedder(EmbeddingBackend):
    """TF-IDF over jieba words, reduced by truncated SVD to dense unit vectors (LSA).

    Parameters
    ----------
    n_components : int, default 256
        Dimensions kept (fewer when the corpus has fewer documents or words).
    min_df : int, default 2
        Words in fewer documents are dropped (ignored when the corpus is too small for it).
    max_df : float, default 0.5
        Words in a larger share of documents are dropped.
    max_features : int, default 200_000
        Vocabulary cap (most frequent words kept).
    random_state : int, default 0
        Seed of the randomised SVD.

    Attributes
    ----------
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer
    svd_ : sklearn.decomposition.TruncatedSVD
    n_components_ : int
    fingerprint_ : str
        Digest of the fitted state; ``model_id`` is ``"lexical-zh:<fingerprint_>"``.
    """

    def __init__(
        self,
        n_components: int = 256,
        min_df: int = 2,
        max_df: float = 0.5,
        max_features: int = 200_000,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.random_state = random_state
        self.model_id = "lexical-zh:unfitted"

    def _vectorizer(self, n_docs: int, min_df: int) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer=_identity,
            min_df=min_df,
            max_df=self.max_df if n_docs >= 10 else 1.0,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str], y: Any = None) -> LexicalEmbedder:
        """Learn the vocabulary, IDF weights and SVD basis from ``texts``; returns ``self``."""
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> np.ndarray:
        """Fit on ``texts`` and return their ``(n, n_components_)`` unit vectors."""
        from sklearn.decomposition import TruncatedSVD

        if len(texts) < 2:
            raise ValueError("the lexical embedder needs at least 2 texts to fit")
        docs = [_tokens(t) for t in texts]
        vectorizer = self._vectorizer(len(docs), self.min_df)
        try:
            tfidf = vectorizer.fit_transform(docs)
        except ValueError:  # tiny corpus: nothing left after min_df / max_df
            vectorizer = self._vectorizer(len(docs), 1)
            tfidf = vectorizer.fit_transform(docs)
        n_components = max(1, min(self.n_components, tfidf.shape[1] - 1, len(docs) - 1))
        svd = TruncatedSVD(n_components=n_components, random_state=self.random_state)
        reduced = svd.fit_transform(tfidf)
        self.vectorizer_ = vectorizer
        self.svd_ = svd
        self.n_components_ = n_components
        self.fingerprint_ = self._fingerprint()
        self.model_id = f"lexical-zh:{self.fingerprint_}"
        return l2_normalize(reduced)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` with the fitted vocabulary and basis into ``(n, n_components_)`` unit vectors.

        Texts sharing no word with the vocabulary get a zero vector.
        """
        if not hasattr(self, "svd_"):
            raise RuntimeError("LexicalEmbedder is not fitted; call fit() first")
        if not texts:
            return np.zeros((0, self.n_components_), dtype=np.float32)
        tfidf = self.vectorizer_.transform([_tokens(t) for t in texts])
        return l2_normalize(self.svd_.transform(tfidf))

    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        params = (self.n_components_, self.min_df, self.max_df, self.max_features, self.random_state)
        digest.update(repr(params).encode())
        vocabulary = sorted(self.vectorizer_.vocabulary_.items(), key=lambda kv: kv[1])
        digest.update("\n".join(term for term, _ in vocabulary).encode("utf-8"))
        digest.update(np.ascontiguousarray(self.vectorizer_.idf_, dtype="<f4").tobytes())
        digest.update(np.round(self.svd_.components_, 5).astype("<f4").tobytes())
        return digest.hexdigest()[:16]

    @property
    def dim(self) -> int:
        if not hasattr(self, "n_components_"):
            raise RuntimeError("LexicalEmbedder is not fitted; call fit() first")
        return int(self.n_components_)

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        return self.transform(texts)


def fuse(
    neural: np.ndarray, lexical: np.ndarray, neural_weight: float = DEFAULT_FUSION_NEURAL_WEIGHT
) -> np.ndarray:
    """Weighted concatenation of unit neural and lexical vectors, renormalised to unit length.

    Parameters
    ----------
    neural, lexical : numpy.ndarray
        Row-aligned ``(n, d1)`` and ``(n, d2)`` arrays (normalised here).
    neural_weight : float, default ``DEFAULT_FUSION_NEURAL_WEIGHT``
        Between 0 and 1; the cosine similarity of two fused vectors is
        ``w * cos_neural + (1 - w) * cos_lexical`` when both parts are non-zero.

    Returns
    -------
    numpy.ndarray
        ``(n, d1 + d2)`` float32 unit rows.
    """
    if not 0.0 <= neural_weight <= 1.0:
        raise ValueError("neural_weight must lie in [0, 1]")
    if neural.shape[0] != lexical.shape[0]:
        raise ValueError(f"{neural.shape[0]} neural rows but {lexical.shape[0]} lexical rows")
    parts = (
        l2_normalize(neural) * np.float32(np.sqrt(neural_weight)),
        l2_normalize(lexical) * np.float32(np.sqrt(1.0 - neural_weight)),
    )
    return l2_normalize(np.hstack(parts))


class FusedEmbedder(EmbeddingBackend):
    """A neural backend and a fitted ``LexicalEmbedder``, fused (see ``fuse``).

    Parameters
    ----------
    neural : EmbeddingBackend
        E.g. ``SentenceTransformerBackend()``.
    lexical : LexicalEmbedder
        Fitted on the corpus.
    neural_weight : float, default ``DEFAULT_FUSION_NEURAL_WEIGHT``
        Weight of the neural part.
    """

    def __init__(
        self,
        neural: EmbeddingBackend,
        lexical: LexicalEmbedder,
        neural_weight: float = DEFAULT_FUSION_NEURAL_WEIGHT,
    ) -> None:
        if not 0.0 <= neural_weight <= 1.0:
            raise ValueError("neural_weight must lie in [0, 1]")
        self.neural = neural
        self.lexical = lexical
        self.neural_weight = neural_weight
        self.model_id = f"fused:{neural.model_id}+{lexical.model_id}:w={neural_weight:.3f}"

    @property
    def dim(self) -> int:
        return self.neural.dim + self.lexical.dim

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        return fuse(self.neural.encode_batch(texts), self.lexical.encode_batch(texts), self.neural_weight)


@dataclass(frozen=True)
class RepresentationChoice:
    """What ``assess_representation`` found and decided."""

    representation: str
    unk_share: float
    chinese_share: float
    warning: str | None = None


def _sample(items: list[str], size: int, seed: int) -> list[str]:
    return items if len(items) <= size else random.Random(seed).sample(items, size)


def assess_representation(
    texts: Sequence[str],
    languages: Sequence[str],
    backend: EmbeddingBackend,
    sample_size: int = UNK_SAMPLE_SIZE,
    seed: int = 0,
) -> RepresentationChoice:
    """Measure how well ``backend`` reads the corpus and pick a representation.

    Parameters
    ----------
    texts : sequence of str
        The corpus (a sample of ``sample_size`` texts is tokenised).
    languages : sequence of str
        ``"zh"`` / ``"en"`` / ``"other"`` per text.
    backend : EmbeddingBackend
        The neural backend; its ``unknown_token_share`` is measured.
    sample_size : int, default 200
        Texts sampled (seeded) for the [UNK] share.
    seed : int, default 0
        Sampling seed.

    Returns
    -------
    RepresentationChoice
        ``"neural"`` when the model reads the corpus (UNK share below ``UNK_SHARE_MAX``); otherwise
        ``CHINESE_DEFAULT`` for a mostly Chinese corpus and ``"fused"`` for a mixed one, with a warning.
    """
    if len(texts) != len(languages):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
    if not texts:
        return RepresentationChoice("neural", 0.0, 0.0)
    chinese = [t for t, lang in zip(texts, languages, strict=True) if lang == "zh"]
    chinese_share = len(chinese) / len(texts)
    probe = _sample(chinese or list(texts), sample_size, seed)
    unk_share = float(backend.unknown_token_share(probe))
    if unk_share < UNK_SHARE_MAX:
        return RepresentationChoice("neural", unk_share, chinese_share)
    representation = CHINESE_DEFAULT if chinese_share >= CHINESE_MAJORITY_SHARE else "fused"
    what = "Chinese documents" if chinese else "documents"
    warning = (
        f"The embedding model {backend.model_id} cannot read this corpus: {unk_share:.0%} of the tokens it "
        f"sees in the {what} are unknown ([UNK]); {chinese_share:.0%} of the documents are Chinese. "
        f"Using the {representation} representation (jieba words + TF-IDF/SVD"
        f"{' fused with the model' if representation == 'fused' else ''}). A multilingual "
        "sentence-transformers model would read the text itself."
    )
    return RepresentationChoice(representation, unk_share, chinese_share, warning)


def choose_representation(texts: Sequence[str], languages: Sequence[str], backend: EmbeddingBackend) -> str:
    """Return ``"neural"``, ``"lexical"`` or ``"fused"`` for a corpus; log a warning when the model
    cannot read it.

    Parameters
    ----------
    texts : sequence of str
        The corpus.
    languages : sequence of str
        One language per text.
    backend : EmbeddingBackend
        The configured neural backend.

    Returns
    -------
    str
        The representation; see ``assess_representation`` for the rule and the warning text.
    """
    choice = assess_representation(texts, languages, backend)
    if choice.warning:
        log.warning(choice.warning)
    return choice.representation
