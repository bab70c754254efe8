"""Routine templated reports (常态化模板报告): Markdown and HTML from editable Jinja2 templates."""

from foresight.reports.render import TEMPLATES_DIR, ReportResult, build_report

__all__ = ["TEMPLATES_DIR", "ReportResult", "build_report"]
