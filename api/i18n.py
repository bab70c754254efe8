"""Chinese and English strings of the expert pages (question wording comes from the survey template)."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "brand": ("技术预测德尔菲调查", "Technology foresight Delphi"),
    "welcome": ("您好，{name}", "Welcome, {name}"),
    "round": ("第{n}轮", "Round {n}"),
    "progress": ("已提交 {done} / {total} 项", "{done} of {total} items submitted"),
    "drafts": ("（{n} 项草稿未提交）", "({n} saved as drafts, not yet submitted)"),
    "status_new": ("未填写", "Not started"),
    "status_draft": ("草稿", "Draft"),
    "status_submitted": ("已提交", "Submitted"),
    "items_heading": ("调查条目", "Items"),
    "carried_forward": ("已达成结论、本轮不再询问的条目", "Items settled earlier and not asked again"),
    "not_open": (
        "调查尚未开始，请稍后再访问此链接。",
        "The survey has not started yet; please come back later.",
    ),
    "read_only": ("第{n}轮已结束，答案只读。", "Round {n} is closed; your answers are read-only."),
    "evidence": ("证据：文献与专利", "Evidence: papers and patents"),
    "keywords": ("关键词", "Keywords"),
    "top_documents": ("代表性文献", "Top documents"),
    "documents_by_year": ("年度文献数", "Documents per year"),
    "feedback": ("第{n}轮匿名统计（{k} 位专家）", "Round {n} anonymous results ({k} experts)"),
    "median": ("中位数", "Median"),
    "quartiles": ("四分位区间", "Interquartile range"),
    "your_previous": ("您上一轮的回答", "Your answer last round"),
    "no_previous": ("（上一轮未回答）", "(not answered last round)"),
    "arguments": ("专家意见（匿名）", "Experts' arguments (anonymous)"),
    "you": ("您", "you"),
    "suppressed": ("上一轮回答人数过少，不显示统计结果。", "Too few answers last round to show statistics."),
    "reworded": (
        "本条目在上一轮后已修改措辞（版本 {old} → {new}），上一轮结果针对旧措辞，不与本轮比较。",
        "This item was reworded after the last round (version {old} → {new}); last round's results refer "
        "to the old wording and are not compared with this round.",
    ),
    "previous_wording": ("原措辞", "Previous wording"),
    "wording_version": ("措辞版本 {v}", "Wording version {v}"),
    "reason_hint": (
        "若您的回答在上一轮四分位区间之外，请填写理由。",
        "If an answer lies outside last round's interquartile range, please give your reasons.",
    ),
    "save_draft": ("保存草稿", "Save draft"),
    "submit": ("提交本条目", "Submit this item"),
    "saved_draft": ("草稿已保存。", "Draft saved."),
    "submitted_ok": ("已提交，谢谢！", "Submitted — thank you!"),
    "errors_title": ("请修改以下问题：", "Please correct the following:"),
    "comment": ("评论（以匿名代号显示给其他专家）", "Comment (shown to other experts under a pseudonym)"),
    "add_comment": ("发表评论", "Post comment"),
    "comment_saved": ("评论已发表。", "Comment posted."),
    "back": ("返回条目列表", "Back to all items"),
    "next": ("下一条", "Next item"),
    "prev": ("上一条", "Previous item"),
    "item_of": ("第 {k} / {n} 项", "Item {k} of {n}"),
    "live": ("本轮实时统计（{k} 位专家已提交）", "This round so far ({k} experts submitted)"),
    "required": ("必答", "required"),
    "optional": ("选答", "optional"),
    "countries": ("领先国家", "Leading countries"),
    "stance": ("立场", "Stance"),
    "no_stance": ("不注明", "None"),
    "consensus": ("已达成共识", "Consensus reached"),
    "csrf": ("页面已过期，请重新提交。", "This page has expired; please submit again."),
    "error": ("出错了", "Something went wrong"),
    "all_done": ("本轮全部条目均已提交，谢谢！", "You have submitted every item of this round — thank you!"),
    "open_item": ("填写", "Answer"),
    "choice_shares": ("选择比例", "Share choosing each option"),
}


def strings(lang: str) -> dict[str, str]:
    """Every UI string in ``lang`` (``zh`` or ``en``)."""
    index = 0 if lang == "zh" else 1
    return {key: pair[index] for key, pair in STRINGS.items()}
