"""Difference between two priority lists (previous round or cycle → current), delphi.md §7.8.

Items are matched by :attr:`~foresight.priorities.model.PriorityEntry.key`: the stable theme lineage id
when both lists know it, else the item id — theme ids change between analysis runs, lineage ids do not.
Rank deltas are ``current rank − previous rank`` (negative = moved up), the same sign convention as the
sensitivity table.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from foresight.priorities.model import PriorityEntry, PriorityList


class RankMove(BaseModel):
    """One item's change between the lists; ``note`` says where an entering/leaving item was."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    item_id: str
    title_zh: str
    title_en: str
    previous_rank: int | None
    current_rank: int | None
    delta: int | None  #: current − previous (negative = moved up); None unless listed in both
    note: str | None = None


class ListDiff(BaseModel):
    """Entered, left, moved up, moved down and unchanged items (each sorted by rank)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entered: tuple[RankMove, ...]
    left: tuple[RankMove, ...]
    moved_up: tuple[RankMove, ...]
    moved_down: tuple[RankMove, ...]
    unchanged: tuple[RankMove, ...]

    @property
    def changed(self) -> bool:
        return bool(self.entered or self.left or self.moved_up or self.moved_down)


def _where(plist: PriorityList, key: str) -> tuple[int | None, str]:
    """Rank and a note for an item that is not among the list's entries."""
    for b in plist.below_cut:
        if b.key == key:
            return b.rank, f"ranked {b.rank}, below the cut"
    for x in plist.excluded:
        if x.key == key:
            return None, f"excluded: {x.reason}"
    return None, "not in scope"


def diff_lists(current: PriorityList, previous: PriorityList) -> ListDiff:
    """Compare ``current`` with ``previous`` (see the module doc for matching and signs)."""
    now = {e.key: e for e in current.entries}
    before = {e.key: e for e in previous.entries}

    def move(e: PriorityEntry, prev: int | None, cur: int | None, note: str | None = None) -> RankMove:
        delta = cur - prev if cur is not None and prev is not None and note is None else None
        return RankMove(
            key=e.key,
            item_id=e.item_id,
            title_zh=e.title_zh,
            title_en=e.title_en,
            previous_rank=prev,
            current_rank=cur,
            delta=delta,
            note=note,
        )

    entered: list[RankMove] = []
    left: list[RankMove] = []
    up: list[RankMove] = []
    down: list[RankMove] = []
    same: list[RankMove] = []
    for key, e in now.items():
        if key in before:
            m = move(e, before[key].rank, e.rank)
            (up if m.delta and m.delta < 0 else down if m.delta else same).append(m)
        else:
            prev_rank, note = _where(previous, key)
            entered.append(move(e, prev_rank, e.rank, f"previously {note}"))
    for key, e in before.items():
        if key not in now:
            cur_rank, note = _where(current, key)
            left.append(move(e, e.rank, cur_rank, f"now {note}"))

    def by_rank(moves: list[RankMove], attr: str) -> tuple[RankMove, ...]:
        return tuple(sorted(moves, key=lambda m: (getattr(m, attr) or 0, m.key)))

    return ListDiff(
        entered=by_rank(entered, "current_rank"),
        left=by_rank(left, "previous_rank"),
        moved_up=by_rank(up, "current_rank"),
        moved_down=by_rank(down, "current_rank"),
        unchanged=by_rank(same, "current_rank"),
    )
