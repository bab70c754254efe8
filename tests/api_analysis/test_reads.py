"""Read endpoints: runs, themes with filters / sorting / pagination, theme detail, documents, graph."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_analysis.conftest import THEMES, Keys, Store, bearer


def test_runs_list_and_detail(client: TestClient, keys: Keys, store: Store) -> None:
    h = bearer(keys.planner)
    page = client.get("/api/v1/runs", headers=h).json()
    assert page["total"] == 1 and page["items"][0]["id"] == store.run_id
    run = client.get(f"/api/v1/runs/{store.run_id}", headers=h).json()
    assert run["parameters"] == {"min_cluster_size": 5}
    assert run["corpus_fingerprint"] == "f" * 64 and run["timings"] == {"fit": 1.5}
    assert client.get("/api/v1/runs/999999", headers=h).status_code == 404


def test_themes_sorted_by_size_and_indicator(client: TestClient, keys: Keys, store: Store) -> None:
    h, url = bearer(keys.planner), f"/api/v1/runs/{store.run_id}/themes"
    page = client.get(url, headers=h).json()
    assert page["total"] == 3
    assert [t["size"] for t in page["items"]] == [20, 12, 8]
    by_escore = client.get(url, params={"sort": "indicator:escore"}, headers=h).json()["items"]
    assert [t["label_en"] for t in by_escore] == ["Fraud detection", "Language models", "Robotics"]
    assert by_escore[0]["indicators"]["escore"] == 0.9 and by_escore[2]["indicators"] == {}
    ascending = client.get(url, params={"sort": "indicator:escore", "order": "asc"}, headers=h).json()[
        "items"
    ]
    assert [t["label_en"] for t in ascending] == ["Language models", "Fraud detection", "Robotics"]
    r = client.get(url, params={"sort": "colour"}, headers=h)
    assert r.status_code == 422 and "unknown sort" in r.json()["detail"]


def test_themes_pagination_and_document_filters(client: TestClient, keys: Keys, store: Store) -> None:
    h, url = bearer(keys.planner), f"/api/v1/runs/{store.run_id}/themes"
    page = client.get(url, params={"limit": 1, "offset": 1}, headers=h).json()
    assert page["total"] == 3 and page["limit"] == 1 and page["offset"] == 1
    assert [t["label_en"] for t in page["items"]] == [THEMES[1][0]]
    zh = client.get(url, params={"language": "zh"}, headers=h).json()
    assert [t["label_en"] for t in zh["items"]] == ["Robotics"] and zh["total"] == 1
    window = client.get(url, params={"year_from": 2018, "year_to": 2019}, headers=h).json()
    assert [t["label_en"] for t in window["items"]] == ["Robotics"]
    none = client.get(url, params={"kind": "patent"}, headers=h).json()
    assert none == {"total": 0, "limit": 50, "offset": 0, "items": []}
    assert client.get(url, params={"limit": 0}, headers=h).status_code == 422


def test_theme_detail_content(client: TestClient, keys: Keys, store: Store) -> None:
    h = bearer(keys.planner)
    theme = client.get(f"/api/v1/themes/{store.theme_ids[1]}", headers=h).json()
    assert theme["label_en"] == "Fraud detection" and theme["version"] == 1
    assert theme["keywords"][0] == {"term": "fraud", "weight": 0.5}
    assert [d["id"] for d in theme["representative_documents"]] == [store.doc_ids[21]]
    names = {i["name"]: i for i in theme["indicators"]["indicators"]}
    assert names["escore"]["value"] == 0.9 and names["escore"]["formula"]["id"] == "volume.papers"
    assert theme["indicators"]["series"] == {"volume": [[2025, 10], [2026, 12]]}
    assert theme["lineage"][0]["event"] == "birth" and theme["lineage"][0]["to_theme_ids"] == [theme["id"]]
    assert theme["curation_history"] == []
    robotics = client.get(f"/api/v1/themes/{store.theme_ids[2]}", headers=h).json()
    assert robotics["indicators"] is None and robotics["lineage"] == []
    series = client.get(f"/api/v1/themes/{store.theme_ids[0]}/indicators", headers=h).json()
    assert series["composite"] == 0.2
    assert client.get(f"/api/v1/themes/{store.theme_ids[2]}/indicators", headers=h).status_code == 404


def test_documents_hide_restricted_text(client: TestClient, keys: Keys, store: Store) -> None:
    h = bearer(keys.planner)
    page = client.get("/api/v1/documents", params={"limit": 5}, headers=h).json()
    assert page["total"] == 40 and len(page["items"]) == 5
    first = page["items"][0]
    assert (
        first["id"] == store.restricted_id and first["title"] == "[restricted]" and first["abstract"] is None
    )
    assert page["items"][1]["abstract"]
    theme_docs = client.get("/api/v1/documents", params={"theme_id": store.theme_ids[2]}, headers=h).json()
    assert theme_docs["total"] == 8 and {d["language"] for d in theme_docs["items"]} == {"zh"}


def test_graph_whole_and_neighbourhood(client: TestClient, keys: Keys, store: Store) -> None:
    h, url = bearer(keys.planner), f"/api/v1/runs/{store.run_id}/graph"
    whole = client.get(url, headers=h).json()
    ids = {n["id"] for n in whole["nodes"]}
    assert {f"theme:{t}" for t in store.theme_ids} <= ids
    node = f"theme:{store.theme_ids[0]}"
    near = client.get(url, params={"node": node, "radius": 1}, headers=h).json()
    near_ids = {n["id"] for n in near["nodes"]}
    assert node in near_ids and near_ids <= ids
    expected = {node} | {e["target"] for e in whole["links"] if e["source"] == node}
    expected |= {e["source"] for e in whole["links"] if e["target"] == node}
    assert near_ids == expected
    only = client.get(url, params={"node": node, "radius": 0}, headers=h).json()
    assert [n["id"] for n in only["nodes"]] == [node]
    assert client.get(url, params={"node": "theme:0"}, headers=h).status_code == 404


def test_watchlist_and_alerts(client: TestClient, keys: Keys, store: Store) -> None:
    a, p = bearer(keys.analyst), bearer(keys.planner)
    assert (
        client.post("/api/v1/watchlist", json={"kind": "keyword", "target": "fraud"}, headers=p).status_code
        == 403
    )
    r = client.post("/api/v1/watchlist", json={"kind": "keyword", "target": "fraud", "label": "F"}, headers=a)
    assert r.status_code == 201, r.text
    watch = r.json()
    assert watch["created_by"] == "alice" and watch["target"] == "fraud"
    assert [w["id"] for w in client.get("/api/v1/watchlist", headers=p).json()] == [watch["id"]]
    assert client.delete(f"/api/v1/watchlist/{watch['id']}", headers=a).status_code == 204
    assert client.get("/api/v1/watchlist", headers=p).json() == []
    assert client.delete(f"/api/v1/watchlist/{watch['id']}", headers=a).status_code == 404
    assert client.get(f"/api/v1/runs/{store.run_id}/alerts", headers=p).json() == []
