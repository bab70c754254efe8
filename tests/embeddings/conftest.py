"""Shared texts and one loaded copy of the bundled model for the embedding tests."""

from __future__ import annotations

import os

import numpy as np
import pytest

from foresight.embeddings.backends import SentenceTransformerBackend

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ENGLISH = [
    "Graph neural networks for traffic forecasting on road sensor networks",
    "Large language models answer questions about scientific papers",
    "Quantum error correction with surface codes on superconducting qubits",
    "Lithium-ion battery degradation prediction from charging curves",
    "Reinforcement learning controls a robot arm grasping unknown objects",
    "A transformer model translates Chinese patents into English",
]

#: Three topics, six short texts each: batteries, quantum computing, crop science.
CHINESE = [
    "锂离子电池正极材料的循环寿命与容量衰减机理",
    "固态电解质提高锂离子电池的安全性和能量密度",
    "电池管理系统估计锂电池荷电状态的算法",
    "硅碳负极材料改善锂离子电池容量",
    "动力电池热失控的预警与电池安全",
    "钠离子电池正极材料与锂离子电池对比",
    "超导量子比特的量子纠错编码实验",
    "量子计算机实现量子算法的加速",
    "离子阱量子比特的相干时间与量子门保真度",
    "量子纠缠在量子通信中的应用",
    "拓扑量子计算与量子比特的容错",
    "量子算法求解组合优化问题",
    "水稻品种的抗旱性与产量性状分析",
    "小麦籽粒产量与氮肥施用量的关系",
    "玉米品种在干旱胁迫下的产量表现",
    "水稻氮肥利用效率与籽粒产量",
    "大豆品种抗病性与产量的田间试验",
    "小麦品种抗旱性鉴定与产量评价",
]
CHINESE_TOPICS = [0] * 6 + [1] * 6 + [2] * 6


class CountingBackend(SentenceTransformerBackend):
    """The real bundled model, counting the texts it encodes."""

    def __init__(self) -> None:
        super().__init__(device="cpu")
        self.encoded: list[str] = []

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return super().encode_batch(texts)


@pytest.fixture(scope="session")
def minilm() -> CountingBackend:
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    return CountingBackend()


@pytest.fixture
def counting(minilm: CountingBackend) -> CountingBackend:
    minilm.encoded.clear()
    return minilm
