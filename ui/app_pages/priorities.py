"""Priority technologies: ranked lists with score components, provenance and exports.

EXTENSION POINT: a placeholder until its part is built; replace the body with the real page (data through
``ui.datasource``, figures from ``ui.figures``, texts from ``ui.i18n``).
"""

from __future__ import annotations

from ui.stub import render_stub

render_stub("priorities", "nav.priorities")
