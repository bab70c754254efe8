"""FastAPI application: analysis and Delphi endpoints over the ``foresight`` services."""
