"""Pages of the dashboard: Streamlit scripts run by ``st.navigation`` (see ``ui/app.py``), not imported."""
