"""Installed versions of the libraries an analysis depends on, for the run record (reproducibility)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version

#: Libraries whose versions decide the themes of a fit (``ThemeModel.params_``).
FIT_PACKAGES = ("numpy", "scikit-learn", "umap-learn", "hdbscan", "jieba")


def package_versions(packages: Iterable[str]) -> dict[str, str]:
    """Map each distribution name to its installed version, or ``"absent"``.

    Parameters
    ----------
    packages : iterable of str
        Distribution names as pip knows them (``"scikit-learn"``, ``"umap-learn"`` ...).

    Returns
    -------
    dict
        ``{name: version}`` in the given order.
    """
    out: dict[str, str] = {}
    for pkg in packages:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out
