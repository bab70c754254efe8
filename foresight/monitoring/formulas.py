"""How each monitoring figure is computed, in English and Chinese, keyed by the formula id stored with it.

Every value in ``theme_indicators.indicators`` names one of these ids, so a screen or a report can show
the formula and its source next to the number. Sources are those of ``methods/analysis.md`` §4.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Formula:
    """Display text of one formula."""

    id: str
    name_en: str
    name_zh: str
    text_en: str
    text_zh: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "text_en": self.text_en,
            "text_zh": self.text_zh,
            "source": self.source,
        }


_ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "volume.papers",
        "Papers",
        "论文数量",
        "P_t = papers of the theme dated in period t (publication date); the value is Σ_{t≤T} P_t",
        "P_t = 第 t 期主题论文数（按发表日期）；取值 Σ_{t≤T} P_t",
        "analysis.md §4.9",
    ),
    (
        "volume.patent_families",
        "Patent families",
        "专利族数量",
        "F_t = simple patent families of the theme counted once, in the period of their earliest member "
        "(earliest priority date); a patent without family id is its own family; the value is Σ_{t≤T} F_t",
        "F_t = 主题简单同族数，每族只计一次，计入最早成员（最早优先权日）所在时期；无同族号的专利自成一族；"
        "取值 Σ_{t≤T} F_t",
        "analysis.md §4.9",
    ),
    (
        "volume.documents",
        "Documents",
        "文献数量",
        "r_t = P_t + F_t (papers plus patent families); d_t = the same count over the whole run",
        "r_t = P_t + F_t（论文加专利族）；d_t 为全部文献的同口径计数",
        "analysis.md §4.9",
    ),
    (
        "share",
        "Share of corpus",
        "语料占比",
        "share_T = r_T / d_T in the as-of period; overall Σ_t r_t / Σ_t d_t",
        "share_T = r_T / d_T（截止期）；总体 Σ r_t / Σ d_t",
        "analysis.md §4.9",
    ),
    (
        "growth.cagr",
        "Compound growth rate",
        "复合增长率",
        "CAGR = (r_T / r_{T−w+1})^{1/(w−1)} − 1 over the last w periods (undefined when the start is 0)",
        "CAGR = (r_T / r_{T−w+1})^{1/(w−1)} − 1，取最近 w 期（起点为 0 时无定义）",
        "analysis.md §4.9",
    ),
    (
        "growth.log_share_slope",
        "Relative growth (log-share slope)",
        "相对增长（占比对数斜率）",
        "OLS slope b of ln((r_t + ½)/(d_t + 1)) on t over the last w periods: growth relative to the corpus",
        "最近 w 期 ln((r_t + ½)/(d_t + 1)) 对 t 的最小二乘斜率 b：相对于语料整体的增长",
        "analysis.md §4.9",
    ),
    (
        "growth.acceleration",
        "Acceleration",
        "增长加速度",
        "log-share slope of the second half of the window minus that of the first half",
        "窗口后半段的占比对数斜率减去前半段的斜率",
        "this platform (half-window difference of slopes)",
    ),
    (
        "burst.kleinberg",
        "Kleinberg burst",
        "Kleinberg 突发",
        "two-state Kleinberg on (r_t, d_t): p₀ = Σr/Σd, p₁ = 2p₀, σ(i,t) = −ln[C(d_t,r_t) p_i^{r_t} "
        "(1−p_i)^{d_t−r_t}], τ(0→1) = ln n, Viterbi; weight = Σ_{t∈burst}[σ(0,t) − σ(1,t)]",
        "两状态 Kleinberg：p₀ = Σr/Σd，p₁ = 2p₀，σ(i,t) = −ln[C(d_t,r_t) p_i^{r_t}(1−p_i)^{d_t−r_t}]，"
        "τ(0→1) = ln n，Viterbi 求解；权重 = Σ_{突发期}[σ(0,t) − σ(1,t)]",
        "Kleinberg 2003; analysis.md §4.2",
    ),
    (
        "escore.theme",
        "EScore (theme)",
        "涌现分数（主题）",
        "last 10 periods, active a₁…a₇ / T₁…T₇: EScore = 2·ActiveTrend + RecentTrend + Slope; "
        "emergent when the Porter/Carley filters pass and EScore > 1.77",
        "最近 10 期，活跃期 a₁…a₇ / T₁…T₇：EScore = 2·ActiveTrend + RecentTrend + Slope；"
        "通过 Porter/Carley 过滤且 EScore > 1.77 为涌现",
        "Porter et al. 2018; pyGrams; analysis.md §4.4",
    ),
    (
        "escore.terms",
        "EScore (terms in the theme)",
        "涌现分数（主题内术语）",
        "EScore of each c-TF-IDF term of the theme: a_t = theme documents containing the term, "
        "T_t = theme documents",
        "主题每个 c-TF-IDF 术语的 EScore：a_t = 含该术语的主题文献数，T_t = 主题文献数",
        "Porter et al. 2018; analysis.md §4.4",
    ),
    (
        "novelty.first_appearance",
        "First appearance",
        "首次出现",
        "first period with at least one document of the theme",
        "主题首篇文献所在时期",
        "analysis.md §4.11",
    ),
    (
        "novelty.centroid_distance",
        "Semantic novelty",
        "语义新颖性",
        "1 − cos(μ_theme, μ_pre): mean unit embedding of the theme's documents in the recent window against "
        "that of all documents before the window",
        "1 − cos(μ_主题, μ_窗口前)：窗口内主题文献单位向量均值与窗口前全部文献均值的余弦距离",
        "analysis.md §4.11",
    ),
    (
        "novelty.new_term_share",
        "Share of new terms",
        "新术语占比",
        "|T_θ \\ V_pre| / |T_θ|: theme c-TF-IDF terms (as of the date) absent from every document before the "
        "window; weighted by c-TF-IDF in the details",
        "|T_θ \\ V_pre| / |T_θ|：截止日主题 c-TF-IDF 术语中未出现在窗口前任何文献的占比；明细含加权值",
        "analysis.md §4.11",
    ),
    (
        "diversity.shannon",
        "Shannon diversity",
        "香农多样性",
        "H = −Σ p_i ln p_i over the theme's organisations / countries / categories / IPC subclasses; "
        "evenness J = H / ln S",
        "H = −Σ p_i ln p_i（机构/国家/学科类别/IPC 小类）；均匀度 J = H / ln S",
        "Shannon 1948; analysis.md §4.9",
    ),
    (
        "diversity.rao_stirling",
        "Rao–Stirling diversity",
        "Rao–Stirling 多样性",
        "Δ = Σ_{i≠j} d_ij p_i p_j; d_ij = 1 − cosine of co-occurrence profiles in the corpus up to the date "
        "(hierarchical distance for IPC)",
        "Δ = Σ_{i≠j} d_ij p_i p_j；d_ij = 1 − 截止日前语料中共现向量的余弦（IPC 用层级距离）",
        "Stirling 2007; analysis.md §4.9",
    ),
    (
        "diversity.gini",
        "Gini concentration",
        "基尼集中度",
        "G = Σ_i (2i − S − 1) x_(i) / (S Σx), counts sorted ascending",
        "G = Σ_i (2i − S − 1) x_(i) / (S Σx)",
        "analysis.md §4.9",
    ),
    (
        "balance.paper_patent",
        "Paper–patent balance",
        "论文–专利平衡",
        "B = (P − F)/(P + F) over all periods up to the date; ≥ 1/3 science-led, ≤ −1/3 technology-led",
        "B = (P − F)/(P + F)（截止日前全部时期）；≥ 1/3 科学主导，≤ −1/3 技术主导",
        "analysis.md §4.9",
    ),
    (
        "lifecycle.logistic",
        "Logistic life cycle",
        "逻辑斯蒂生命周期",
        "N(t) = K / (1 + exp(−(ln 81/Δt)(t − t_m))) fitted to cumulative r_t (only with ≥ 5 periods and "
        "≥ 20 documents); phase from (t_T − t_m)/Δt",
        "N(t) = K / (1 + exp(−(ln 81/Δt)(t − t_m))) 拟合累计 r_t（需 ≥ 5 期且 ≥ 20 篇）；"
        "按 (t_T − t_m)/Δt 判断阶段",
        "Meyer, Yung & Ausubel 1999; analysis.md §4.8",
    ),
    (
        "strategic.callon",
        "Strategic diagram",
        "战略坐标图",
        "keywords = each theme's top c-TF-IDF terms; e_ij = c_ij²/(c_i c_j); "
        "centrality = 10·Σ_{i∈k,j∉k} e_ij, density = 100·Σ_{i<j∈k} e_ij / n_k; "
        "quadrants at the medians; low–low split by log-share slope",
        "关键词 = 各主题 c-TF-IDF 高权重词；e_ij = c_ij²/(c_i c_j)；向心度 = 10·Σ_{i∈k,j∉k} e_ij，"
        "密度 = 100·Σ_{i<j∈k} e_ij / n_k；以中位数划分象限；低–低象限按占比对数斜率区分新兴/衰退",
        "Callon et al. 1991; Cobo et al. 2011; analysis.md §4.5",
    ),
    (
        "weak_signal.yoon",
        "Weak-signal quadrant",
        "微弱信号象限",
        "x = mean r_t, y = geometric-mean growth of DoV_t = ((r_t + ½)/d_t)(1 − 0.05(n − t)) "
        "over the window; quadrants at the medians over themes (formulas unverified against Yoon 2012)",
        "x = r_t 均值，y = DoV_t = ((r_t + ½)/d_t)(1 − 0.05(n − t)) 的几何平均增长率；以主题中位数划分象限"
        "（公式未与 Yoon 2012 原文核对）",
        "Yoon 2012; analysis.md §4.7",
    ),
    (
        "impact.citations_per_doc",
        "Field-normalised citations",
        "领域标准化被引",
        "mean over the theme's documents of c_i / mean(c of corpus documents of the same kind and year)",
        "主题文献被引数除以同类型同年份语料平均被引数后的均值",
        "analysis.md §4.11",
    ),
    (
        "impact.forward_citations",
        "Forward citations per family",
        "族均前向引用",
        "Σ citations of the theme's patents / number of their families",
        "主题专利被引总数 / 专利族数",
        "analysis.md §4.11",
    ),
    (
        "impact.family_size",
        "Mean family size",
        "平均同族规模",
        "theme patents / theme patent families",
        "主题专利数 / 专利族数",
        "analysis.md §4.11",
    ),
    (
        "coherence.cohesion",
        "Cohesion",
        "内聚度",
        "mean cosine of the theme's documents (up to the date) to their mean unit vector",
        "截止日主题文献与其单位向量均值的平均余弦",
        "analysis.md §4.10–4.11",
    ),
    (
        "coherence.silhouette",
        "Silhouette",
        "轮廓系数",
        "mean silhouette of the theme in the clustering space (a property of the whole run)",
        "聚类空间中主题的平均轮廓系数（整次运行的属性）",
        "analysis.md §4.10",
    ),
    (
        "coherence.lineage_stability",
        "Stability across runs",
        "跨运行稳定性",
        "similarity to the matched theme of the previous run (lineage)",
        "与上一次运行中匹配主题的相似度（谱系）",
        "analysis.md §4.6",
    ),
    (
        "uncertainty.seed_instability",
        "Seed instability",
        "随机种子不稳定性",
        "1 − mean Jaccard of the best-matching theme in re-runs with other seeds",
        "1 − 更换随机种子重跑时最佳匹配主题的平均 Jaccard",
        "analysis.md §4.10–4.11",
    ),
    (
        "scorecard.composite",
        "Emergence composite",
        "涌现综合分",
        "Rotolo's five attributes, each the mean of its indicators ranked across themes to [0, 1] "
        "(growth: Kleinberg burst weight and EScore; the log-share slope is shown, not scored); "
        "composite = Σ_a w_a S_a / Σ_a w_a over the attributes available (w_growth = 1/3, others 1/6)",
        "Rotolo 五属性：各属性为其指标在主题间排名归一化到 [0,1] 后的均值"
        "（增长：Kleinberg 突发权重与 EScore；语料占比对数斜率仅展示、不计分）；"
        "综合分 = Σ_a w_a S_a / Σ_a w_a（仅计可用属性，w_增长 = 1/3，其余 1/6）",
        "Rotolo, Hicks & Martin 2015; analysis.md §4.11",
    ),
    (
        "lineage.similarity",
        "Theme similarity across runs",
        "跨运行主题相似度",
        "s = 0.4·cos(centroids) + 0.4·Jaccard(member documents) + 0.2·weighted keyword overlap "
        "Σ min(w)/Σ max(w); Hungarian assignment, continue when s ≥ 0.3, merge/split when s ≥ 0.15",
        "s = 0.4·质心余弦 + 0.4·成员文献 Jaccard + 0.2·加权关键词重叠 Σmin(w)/Σmax(w)；"
        "匈牙利算法一一匹配，s ≥ 0.3 为延续，s ≥ 0.15 判定合并/分裂",
        "analysis.md §4.6",
    ),
)

FORMULAS: dict[str, Formula] = {row[0]: Formula(*row) for row in _ROWS}


def formula(formula_id: str) -> Formula:
    """The formula with this id.

    Raises
    ------
    KeyError
        For an unknown id.
    """
    return FORMULAS[formula_id]
