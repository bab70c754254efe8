"""Recent momentum: short-window log-share slope and the weight of recent Kleinberg bursts, by hand."""

from __future__ import annotations

import math

import pytest

from foresight.metrics.burst import Burst, BurstResult, kleinberg_bursts
from foresight.metrics.momentum import momentum, recent_burst_weight


def test_recent_log_share_slope_by_hand() -> None:
    # last 3 periods: y = ln((r + ½)/(d + 1)) = ln(1.5/11), ln(4.5/11), ln(8.5/11) at t = 0, 1, 2;
    # OLS slope over three equally spaced points = (y₂ − y₀)/2 = ln(8.5/1.5)/2
    m = momentum([9, 9, 9, 1, 4, 8], [10] * 6, recent=3)
    assert m.recent_log_share_slope == pytest.approx(math.log(8.5 / 1.5) / 2)
    assert m.recent == 3
    # the whole-window slope is negative (falls from 9 of 10), the recent one positive
    assert momentum([9, 9, 9, 1, 4, 8], [10] * 6, recent=6).recent_log_share_slope < 0


def test_recent_burst_weight_keeps_only_bursts_ending_recently() -> None:
    bursts = BurstResult((1, 1, 0, 0, 1, 1), (Burst(0, 1, 2.0), Burst(4, 5, 3.5)), 0.1, 0.2, 1.0, 0.0)
    assert recent_burst_weight(bursts, recent=2) == 3.5  # ends at 5 ≥ 6 − 2
    assert recent_burst_weight(bursts, recent=4) == 3.5  # the first ends at 1 < 6 − 4
    assert recent_burst_weight(bursts, recent=5) == 5.5  # … and at 1 ≥ 6 − 5
    assert recent_burst_weight(bursts, recent=6) == 5.5
    with pytest.raises(ValueError):
        recent_burst_weight(bursts, recent=0)


def test_momentum_uses_given_or_computed_bursts() -> None:
    r, d = [1, 1, 1, 1, 1, 1, 1, 9, 10, 12], [100] * 10
    found = kleinberg_bursts(r, d)
    assert found.bursts and found.bursts[-1].end == 9  # an ongoing burst
    m = momentum(r, d, recent=3)
    assert m.recent_burst_weight == pytest.approx(found.total_weight)
    assert m.recent_burst_weight > 0
    assert m.as_inputs() == {
        "recent_log_share_slope": m.recent_log_share_slope,
        "recent_burst_weight": m.recent_burst_weight,
    }
    old = momentum([1, 9, 10, 12, 1, 1, 1, 1, 1, 1], d, recent=3)  # same burst, six periods ago
    assert old.recent_burst_weight == 0.0
