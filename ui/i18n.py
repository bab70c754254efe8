"""Every text of the dashboard in English and Chinese; ``t(key)`` gives it in the chosen language.

Terms follow the glossary of the design (主题 theme, 领域 field, 德尔菲调查 Delphi survey, 监测预警
monitoring and early warning, 关键技术清单 priority-technology list…). A test checks that every key has
both languages with the same ``{placeholders}`` and that every key the pages use exists.
"""

from __future__ import annotations

from ui import state
from ui.i18n_pages import PAGE_STRINGS

_S: dict[str, tuple[str, str]] = {
    # app and navigation
    "app.title": ("Foresight", "技术预测平台"),
    "nav.section.analysis": ("Analysis", "数据分析"),
    "nav.section.people": ("Expert judgement", "专家研判"),
    "nav.overview": ("Overview", "概览"),
    "nav.themes": ("Themes", "主题"),
    "nav.graph": ("Knowledge graph", "知识图谱"),
    "nav.emergence": ("Emergence and monitoring", "涌现与监测预警"),
    "nav.delphi": ("Delphi survey", "德尔菲调查"),
    "nav.priorities": ("Priority technologies", "关键技术清单"),
    # sidebar
    "sidebar.language": ("Language / 语言", "语言 / Language"),
    "sidebar.run": ("Analysis run", "分析批次"),
    "sidebar.run_option": (
        "#{id} · {label}{created} · {n_themes} themes",
        "#{id} · {label}{created} · {n_themes} 个主题",
    ),
    "sidebar.no_runs": ("No completed analysis run yet.", "尚无已完成的分析批次。"),
    "sidebar.store": ("Store: `{url}`", "数据库：`{url}`"),
    "sidebar.refresh": ("Reload data", "刷新数据"),
    "sidebar.access": ("Access", "访问权限"),
    "sidebar.viewer": (
        "Read-only viewer. Set FORESIGHT_UI_ANALYSTS (analyst sign-in) or FORESIGHT_UI_OPEN=1 to allow "
        "edits.",
        "只读浏览。设置 FORESIGHT_UI_ANALYSTS（分析人员登录）或 FORESIGHT_UI_OPEN=1 以允许修改。",
    ),
    "sidebar.open_mode": (
        "Open mode: everyone may edit; edits record the name below.",
        "开放模式：任何人均可修改；修改记录下方填写的姓名。",
    ),
    "sidebar.open_name": ("Your name", "您的姓名"),
    "sidebar.sign_in": ("Analyst sign-in", "分析人员登录"),
    "sidebar.name": ("Name", "姓名"),
    "sidebar.password": ("Password", "密码"),
    "sidebar.sign_in_button": ("Sign in", "登录"),
    "sidebar.sign_in_failed": ("Name or password is wrong.", "姓名或密码错误。"),
    "sidebar.locked": (
        "Too many failed attempts; try again in {seconds} s.",
        "失败次数过多，请 {seconds} 秒后再试。",
    ),
    "sidebar.signed_in": ("Signed in as **{name}** (analyst).", "已登录：**{name}**（分析人员）。"),
    "sidebar.sign_out": ("Sign out", "退出登录"),
    "sidebar.viewer_badge": ("Viewer (read-only)", "浏览者（只读）"),
    "sidebar.config_problem": ("Analyst configuration ignored: {problem}", "分析人员配置被忽略：{problem}"),
    # shared
    "common.store_error": ("The store cannot be read: {error}", "无法读取数据库：{error}"),
    "common.no_run": (
        "No completed analysis run yet. Import documents, then run `foresight analyze`.",
        "尚无已完成的分析批次。请先导入文献，再运行 `foresight analyze`。",
    ),
    "common.run_missing": ("Analysis run #{id} does not exist.", "分析批次 #{id} 不存在。"),
    "common.no_data": ("no data", "暂无数据"),
    "common.all": ("all", "全部"),
    # kinds and languages of documents
    "kind.paper": ("Paper", "论文"),
    "kind.patent": ("Patent", "专利"),
    "kind.project": ("Project", "项目"),
    "kind.news": ("News", "新闻"),
    "kind.policy": ("Policy", "政策"),
    "kind.other": ("Other", "其他"),
    "kind.unknown": ("Unknown", "未知"),
    "doclang.en": ("English", "英文"),
    "doclang.zh": ("Chinese", "中文"),
    "doclang.other": ("Other", "其他"),
    "doclang.unknown": ("Unknown", "未知"),
    # overview
    "overview.title": ("Overview", "概览"),
    "overview.corpus": ("Corpus", "语料库"),
    "overview.empty_store": (
        "The store holds no documents yet. Import files with `foresight ingest`.",
        "数据库中尚无文献。请使用 `foresight ingest` 导入文件。",
    ),
    "metric.documents": ("Documents", "文献"),
    "metric.restricted": ("Restricted", "受限文献"),
    "metric.batches": ("Import batches", "导入批次"),
    "metric.themes": ("Themes", "主题"),
    "metric.fields": ("Fields", "领域"),
    "metric.noise": ("Unassigned share", "未归类占比"),
    "chart.by_kind": ("Documents by kind", "各类型文献数"),
    "chart.by_language": ("Documents by language", "各语言文献数"),
    "chart.by_year": ("Documents by year", "各年份文献数"),
    "axis.kind": ("Kind", "类型"),
    "axis.language": ("Language", "语言"),
    "axis.year": ("Year", "年份"),
    "axis.documents": ("Documents", "文献数"),
    "axis.seconds": ("Seconds", "秒"),
    "axis.weight": ("Weight", "权重"),
    "axis.undated": ("undated", "无日期"),
    "run.heading": ("Analysis run #{id}", "分析批次 #{id}"),
    "run.created": ("Created", "创建时间"),
    "run.model": ("Model", "模型"),
    "run.representation": ("Representation", "表示方式"),
    "run.seed": ("Seed", "随机种子"),
    "run.fingerprint": ("Corpus fingerprint", "语料指纹"),
    "run.previous": ("Previous run", "上一批次"),
    "run.filters": ("Corpus filters", "语料筛选条件"),
    "run.parameters": ("Parameters", "参数"),
    "run.versions": ("Library versions", "软件版本"),
    "run.timings": ("Time per step", "各步骤耗时"),
    "run.warnings": ("Warnings", "警告"),
    "run.no_warnings": ("The run raised no warnings.", "本批次无警告。"),
    "overview.alerts": ("Alerts", "预警"),
    "overview.no_alerts": ("No alerts yet.", "暂无预警。"),
    "overview.alerts_hint": (
        "Early warnings appear here once the monitoring service (监测预警) has checked a run against the "
        "watchlist.",
        "监测预警服务根据关注列表检查分析批次后，预警将显示在此处。",
    ),
    "alert.theme": ("theme #{id}", "主题 #{id}"),
    # themes page
    "themes.title": ("Themes", "主题"),
    "themes.caption": (
        "Themes the machine proposed in run #{id}: candidates until analysts and experts review them.",
        "第 {id} 批次由机器提出的主题：经分析人员和专家审核之前均为候选。",
    ),
    "filter.heading": ("Filters", "筛选"),
    "filter.years": ("Time window", "时间窗口"),
    "filter.undated": ("Include undated documents", "包含无日期文献"),
    "filter.kinds": ("Kind", "类型"),
    "filter.languages": ("Language", "语言"),
    "filter.fields": ("Field", "领域"),
    "filter.summary": ("{n} of {total} documents in view", "当前视图：{n} / {total} 篇文献"),
    "tab.map": ("Document map", "文献分布图"),
    "tab.table": ("Theme table", "主题列表"),
    "tab.sizes": ("Sizes by field", "各领域主题规模"),
    "tab.trends": ("Trends", "趋势"),
    "map.title": ("Documents on the 2-D map, coloured by theme", "文献二维分布图（按主题着色）"),
    "map.noise": ("unassigned", "未归类"),
    "map.empty": ("This run has no map coordinates.", "本批次没有二维坐标。"),
    "map.sampled": (
        "A random sample is shown; {n} documents are left out.",
        "仅显示随机样本，另有 {n} 篇文献未显示。",
    ),
    "map.help": (
        "Drag to zoom, double-click to reset; click a legend entry to hide a theme.",
        "拖动可放大，双击复原；点击图例可隐藏某一主题。",
    ),
    "col.id": ("Id", "编号"),
    "col.label": ("Theme", "主题"),
    "col.field": ("Field", "领域"),
    "col.size": ("Size", "规模"),
    "col.in_view": ("In view", "视图内"),
    "col.stability": ("Stability", "稳定性"),
    "col.silhouette": ("Silhouette", "轮廓系数"),
    "col.growth": ("Growth", "增长"),
    "col.escore": ("EScore", "涌现分数"),
    "col.burst": ("Burst", "突发强度"),
    "col.trend": ("Documents per year", "年度文献数"),
    "col.title": ("Title", "标题"),
    "col.kind": ("Kind", "类型"),
    "col.year": ("Year", "年份"),
    "col.identifier": ("Identifier", "标识"),
    "table.indicators_missing": (
        "Growth, EScore and burst columns appear once emergence indicators have been computed for this run.",
        "为本批次计算涌现指标后，将显示增长、涌现分数和突发强度列。",
    ),
    "table.empty": ("No theme has documents in view.", "当前视图中没有主题。"),
    "sizes.treemap": ("Theme sizes by field", "各领域主题规模"),
    "sizes.root": ("All themes", "全部主题"),
    "sizes.bar": ("Largest themes", "规模最大的主题"),
    "trends.title": ("Documents per year of the largest themes in view", "视图内规模最大主题的年度文献数"),
    "detail.heading": ("Theme detail", "主题详情"),
    "detail.pick": ("Theme", "主题"),
    "detail.summary": (
        "{size} documents · field: {field} · origin: {origin}",
        "{size} 篇文献 · 领域：{field} · 来源：{origin}",
    ),
    "origin.machine": ("machine", "机器"),
    "origin.merge": ("merge", "合并"),
    "origin.split": ("split", "拆分"),
    "detail.why": ("Why is this theme here?", "为什么会有这个主题？"),
    "detail.why_text": (
        "The machine grouped these documents because their embeddings lie close together: HDBSCAN found a "
        "dense region in the reduced embedding space. The keywords are the terms that distinguish the "
        "theme's documents from all other themes (c-TF-IDF); the representative documents are the members "
        "nearest the theme centroid (cosine). The theme is a candidate until analysts and experts review it.",
        "机器将这些文献归为一组，是因为它们的嵌入向量彼此接近："
        "HDBSCAN 在降维后的嵌入空间中发现了一个密集区域。"
        "关键词是使该主题文献区别于其他主题的词语（c-TF-IDF）；代表性文献是最接近主题中心的成员（余弦相似度）。"
        "在分析人员和专家审核之前，该主题仅为候选。",
    ),
    "detail.keywords": ("Keywords (c-TF-IDF)", "关键词（c-TF-IDF）"),
    "detail.trend": ("Documents per year", "年度文献数"),
    "detail.representative": ("Representative documents", "代表性文献"),
    "detail.top": ("Most typical members", "最典型的成员"),
    "detail.quality": ("Quality", "质量"),
    "detail.not_computed": ("not computed", "未计算"),
    "formula.silhouette": (
        "Silhouette: s(i) = (b(i) − a(i)) / max(a(i), b(i)), with a(i) the mean distance of document i to "
        "its theme and b(i) to the nearest other theme, averaged over the theme's members in the clustering "
        "space. Range −1…1; higher means better separated.",
        "轮廓系数：s(i) = (b(i) − a(i)) / max(a(i), b(i))，其中 a(i) 为文献 i 到本主题的平均距离，"
        "b(i) 为到最近的"
        "其他主题的平均距离，在聚类空间中对主题成员取平均。取值 −1…1，越高表示区分越清晰。",
    ),
    "formula.stability": (
        "Stability: the clustering is re-run with other seeds; for each re-run take the best Jaccard overlap "
        "|A ∩ B| / |A ∪ B| between this theme's documents A and a re-run theme B, then average over re-runs. "
        "Near 1: the theme comes back whatever the seed.",
        "稳定性：使用其他随机种子重新聚类；对每次重跑取本主题文献集 A 与重跑主题 B 的最大 Jaccard 重合度 "
        "|A ∩ B| / |A ∪ B|，再对各次重跑取平均。接近 1 表示无论种子如何该主题都会出现。",
    ),
    "detail.lineage": ("Lineage", "演化谱系"),
    "detail.lineage_none": (
        "No lineage yet: it is linked when the monitoring service compares this run with the previous one.",
        "暂无演化谱系：监测预警服务将本批次与上一批次比较后生成。",
    ),
    "detail.lineage_event": (
        "{event} from run #{run}: themes {themes}",
        "{event}，来自批次 #{run}：主题 {themes}",
    ),
    "lineage.continue": ("Continues", "延续"),
    "lineage.birth": ("New", "新出现"),
    "lineage.death": ("Ended", "消亡"),
    "lineage.merge": ("Merged", "合并"),
    "lineage.split": ("Split", "拆分"),
    "detail.curation": ("Curation history", "人工修订记录"),
    "detail.curation_none": (
        "No curation edits yet. Relabel, merge and split, with who, when and why, arrive with the "
        "knowledge-graph curation part.",
        "暂无人工修订。重命名、合并和拆分（含修改人、时间和理由）将随知识图谱修订模块提供。",
    ),
    "detail.no_theme": ("No theme in view.", "当前视图中没有主题。"),
    "detail.missing": ("Theme #{id} no longer exists.", "主题 #{id} 已不存在。"),
    # pages not built yet
    "stub.coming": ("Coming with the {part} part.", "将随{part}模块提供。"),
    "stub.graph.part": ("knowledge-graph", "知识图谱"),
    "stub.graph.body": (
        "Analysts will see the theme graph here and curate it: relabel, merge, split, hide and link themes, "
        "every edit recorded with who, when and why.",
        "分析人员将在此查看主题图谱并进行修订：重命名、合并、拆分、隐藏和关联主题，每次修改均记录修改人、时间和理由。",
    ),
    "stub.emergence.part": ("emergence-indicators and monitoring", "涌现指标与监测预警"),
    "stub.emergence.body": (
        "Growth, EScore, bursts, novelty and the Rotolo scorecard per theme, weak signals, lineage across "
        "runs, "
        "watchlists and alerts.",
        "每个主题的增长、涌现分数、突发、新颖性和 Rotolo 评分卡，"
        "以及微弱信号、跨批次演化谱系、关注列表和预警。",
    ),
    "stub.delphi.part": ("Delphi", "德尔菲调查"),
    "stub.delphi.body": (
        "Survey items drawn from curated themes, rounds, panel balance by sector and group, response rates, "
        "consensus statistics and expert comments.",
        "由修订后的主题生成调查条目，轮次管理，按部门和群体的专家构成，回复率、专家共识统计和专家意见。",
    ),
    "stub.priorities.part": ("priority-list", "关键技术清单"),
    "stub.priorities.body": (
        "Ranked priority-technology lists combining machine indicators and expert judgement, with score "
        "components, provenance and exports.",
        "结合机器指标与专家判断的关键技术排序清单，附评分构成、来源追溯和导出。",
    ),
}

STRINGS: dict[str, dict[str, str]] = {
    key: {"en": en, "zh": zh} for key, (en, zh) in (_S | PAGE_STRINGS).items()
}


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text of ``key`` in ``lang`` (default: the session's language), formatted with ``values``.

    An unknown key is returned as it is, so a missing text shows up on screen instead of failing.
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang or state.language()) or entry["en"]
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str | None = None) -> str:
    """Display name of a document kind (``paper`` → Paper / 论文)."""
    return t(f"kind.{kind}", lang) if f"kind.{kind}" in STRINGS else kind


def language_label(code: str, lang: str | None = None) -> str:
    """Display name of a document language code (``zh`` → Chinese / 中文)."""
    return t(f"doclang.{code}", lang) if f"doclang.{code}" in STRINGS else code
