"""Bilingual stop words for keyword extraction and lexical representations of papers and patents.

Two sets, both lower-case:

- ``STOPWORDS_EN``: English function words plus the boilerplate of scientific abstracts and patent
  claims ("propose", "paper", "results", "wherein", "said", "plurality" ...), which carry no theme.
- ``STOPWORDS_ZH``: Chinese function words (as segmented by jieba) plus the boilerplate of Chinese
  journal abstracts and patents (本文, 研究, 提出, 结果表明 ...).

``STOPWORDS`` is their union, for mixed-language text (Chinese abstracts often contain English terms).
"""

from __future__ import annotations

_EN_FUNCTION = """
a about above across after afterwards again against all almost alone along already also although always
am among amongst an and another any anyhow anyone anything anyway anywhere are around as at be became
because become becomes becoming been before beforehand behind being below beside besides between beyond
both but by can cannot could did do does doing done down due during each eg either else elsewhere
enough etc even ever every everyone everything everywhere except few for former formerly from further
had has have having he hence her here hereafter hereby herein hers herself him himself his how however
i ie if in indeed into is it its itself just last latter latterly least less many may me meanwhile
might mine more moreover most mostly much must my myself namely neither never nevertheless next no
nobody none nor not nothing now nowhere of off often on once one only onto or other others otherwise
our ours ourselves out over own per perhaps rather same seem seemed seeming seems several she should
since so some somehow someone something sometime sometimes somewhere still such than that the their
theirs them themselves then thence there thereafter thereby therefore therein thereupon these they this
those though through throughout thru thus to together too toward towards under until up upon us very
via was we well were what whatever when whence whenever where whereafter whereas whereby wherein
whereupon wherever whether which while whither who whoever whole whom whose why will with within without
would yet you your yours yourself yourselves
"""

_EN_ACADEMIC = """
abstract achieve achieved achieves address addresses allow allows approach approaches based begin
claim claimed claims comprise comprises comprising conclusion conduct conducted consider considered
demonstrate demonstrated demonstrates describe described design designed develop developed different
discuss effect effective et al evaluate evaluated existing experiment experimental experiments extensive
finally find findings first furthermore given high however improve improved improves include includes
including introduce introduced investigate large method methods new novel obtain obtained outperform
outperforms paper particular performance present presented presents problem problems propose proposed
proposes provide provided provides recent recently respectively result results second show showed shown
shows significant significantly state study studied studies superior task tasks three two use used uses
using various way work works
disclosed disclosure embodiment embodiments invention inventions plurality relate relates said thereof
"""

_ZH_FUNCTION = """
的 了 和 与 及 以及 或 或者 是 在 对 对于 于 为 为了 以 将 把 被 从 由 向 到 至 而 并 并且 且 也 又
都 就 其 其中 之 之间 此 该 这 这些 这个 那 那些 个 种 各 各种 每 某 某些 所 所有 所以 因此 因而
因为 由于 但 但是 然而 如果 若 则 即 即可 既 等 等等 中 上 下 内 后 前 时 时候 可 可以 可能 能 能够
会 要 需 需要 已 已经 还 更 最 很 较 比较 一 一个 一种 一些 一定 不 没有 无 有 有效 具有 以上 以下
如下 通过 根据 按照 关于 随着 作为 其他 另外 此外 同时 之后 之前 进而 从而 以便 使 使得 使用 利用
采用 基于 针对 用于 对应 相应 分别 主要 我们 我国 它们 他们
"""

_ZH_ACADEMIC = """
本文 文中 文章 本研究 研究 研究表明 结果 结果表明 表明 显示 提出 提供 给出 得到 获得 进行 实现 开展
探讨 讨论 分析 方法 方式 问题 情况 影响 作用 特点 特征 过程 工作 目的 意义 发现 认为 指出 说明 介绍
论述 阐述 试验 实验 表示 本 发明 本发明 所述 包括 包含 其特征 特征在于 一种 装置 系统 涉及 公开
权利要求 实施例
"""


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: English function words and the boilerplate of scientific and patent abstracts (lower-case).
STOPWORDS_EN: frozenset[str] = _words(_EN_FUNCTION) | _words(_EN_ACADEMIC)

#: Chinese function words and the boilerplate of Chinese abstracts and patents (jieba segments).
STOPWORDS_ZH: frozenset[str] = _words(_ZH_FUNCTION) | _words(_ZH_ACADEMIC)

#: Both lists, for mixed-language text.
STOPWORDS: frozenset[str] = STOPWORDS_EN | STOPWORDS_ZH


def stopwords_for(language: str) -> frozenset[str]:
    """Return the stop words to apply to a text in ``language``.

    Parameters
    ----------
    language : str
        ``"zh"``, ``"en"`` or ``"other"``.

    Returns
    -------
    frozenset of str
        ``STOPWORDS`` (both lists) for Chinese, whose abstracts mix in English terms; ``STOPWORDS_EN``
        otherwise.
    """
    return STOPWORDS if language == "zh" else STOPWORDS_EN
