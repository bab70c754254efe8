"""HTTP routers: admin (panel, surveys, rounds, results), expert JSON API, expert HTML pages."""
