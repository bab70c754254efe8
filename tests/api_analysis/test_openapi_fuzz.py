"""Schemathesis against the analysis API's OpenAPI schema: no 5xx, and only documented statuses.

Every ``/api/v1`` operation gets a few generated requests (an analyst key; a small store built first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import status_code_conformance

from api.main import create_app
from foresight.apikeys import create_key
from foresight.db.session import session_scope
from foresight.settings import Settings
from tests.api_analysis.conftest import ADMIN_TOKEN, SECRET_KEY, build_store
from tests.conftest import sqlite_url

EXAMPLES = 5


def test_api_v1_conforms_to_its_schema(tmp_path: Path) -> None:
    config = Settings(database_url=sqlite_url(tmp_path), data_dir=tmp_path, admin_token=ADMIN_TOKEN,
                      secret_key=SECRET_KEY)  # fmt: skip
    app = create_app(config)
    with TestClient(app):  # runs the lifespan (store, job pool) while the schema is exercised
        engine = app.state.engines.get(config)[0]
        build_store(engine)
        with session_scope(engine) as s:
            headers = {"Authorization": f"Bearer {create_key(s, 'fuzzer', 'analyst')[1]}"}
        # the first search loads the embedding model and builds the index (seconds): do it before fuzzing
        client_warmup = TestClient(app)
        assert (
            client_warmup.get("/api/v1/search", params={"q": "warm up"}, headers=headers).status_code == 200
        )
        schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/v1/")
        results = list(schema.get_all_operations())
        assert all(isinstance(result, Ok) for result in results), "the schema has invalid operations"
        operations = [result.ok() for result in results if isinstance(result, Ok)]
        assert len(operations) >= 30
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
            def exercise(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=[not_a_server_error, status_code_conformance])

            try:
                exercise()
            except Exception as exc:
                pytest.fail(f"{operation.label}: {exc}")
