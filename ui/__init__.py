"""Streamlit dashboard for analysts: pages render, ``ui.datasource`` calls the ``foresight`` services."""
