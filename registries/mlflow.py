"""MLflow's model registry over its REST API (no MLflow import): registered models (for their
aliases) and model versions, each searched page by page.

Endpoints (MLflow REST API 2.0): GET api/2.0/mlflow/registered-models/search and
GET api/2.0/mlflow/model-versions/search, with max_results and page_token; each answer carries
next_page_token while more pages follow. A bearer token is sent when the registry has one.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from registries.adapters import RegisteredVersion, RegistryUnavailable

PAGE_SIZE = 1000
# Tags a registry may carry a content digest in (MLflow has no digest of its own).
DIGEST_TAGS = ("mltrack.digest", "sha256", "digest")
MAX_PAGES = 10_000


class MLflowAdapter:
    def __init__(self, url: str, *, token: str = "", timeout: float = 30.0) -> None:
        self.base = url.rstrip("/") + "/"
        self.token = token
        self.timeout = timeout

    def versions(self) -> list[RegisteredVersion]:
        aliases: dict[tuple[str, str], list[str]] = {}
        descriptions: dict[str, str] = {}
        for model in self._pages("api/2.0/mlflow/registered-models/search", "registered_models"):
            descriptions[str(model.get("name", ""))] = str(model.get("description") or "")
            for alias in model.get("aliases") or []:
                aliases.setdefault((str(model.get("name", "")), str(alias.get("version", ""))), []).append(
                    str(alias.get("alias", "")))
        found = []
        for row in self._pages("api/2.0/mlflow/model-versions/search", "model_versions"):
            name, version = str(row.get("name") or ""), str(row.get("version") or "")
            if not name or not version:
                raise RegistryUnavailable(f"MLflow at {self.base} listed a model version without a name or number: {row!r:.200}")
            tags = {str(tag.get("key")): str(tag.get("value", "")) for tag in row.get("tags") or []}
            found.append(RegisteredVersion(
                name=name, version=version, stage=str(row.get("current_stage") or ""),
                aliases=tuple(sorted(set(aliases.get((name, version), [])) | set(row.get("aliases") or []))),
                run_id=str(row.get("run_id") or ""), source=str(row.get("source") or ""),
                digest=next((tags[key] for key in DIGEST_TAGS if tags.get(key)), ""),
                description=str(row.get("description") or descriptions.get(name, "")), tags=tags,
            ))
        return found

    def _pages(self, path: str, key: str) -> Iterator[dict[str, Any]]:
        token = ""
        for _ in range(MAX_PAGES):
            query = {"max_results": PAGE_SIZE, **({"page_token": token} if token else {})}
            answer = self._get(path, query)
            rows = answer.get(key) or []
            if not isinstance(rows, list):
                raise RegistryUnavailable(f"MLflow at {self.base} answered {path} without a list of {key}")
            yield from rows
            token = answer.get("next_page_token") or ""
            if not token:
                return
        raise RegistryUnavailable(f"MLflow at {self.base} kept paging {path} past {MAX_PAGES} pages")

    def _get(self, path: str, query: dict[str, Any]) -> dict[str, Any]:
        url = urllib.parse.urljoin(self.base, path) + "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise RegistryUnavailable(f"MLflow at {self.base} answered {path} with HTTP {exc.code} {exc.reason}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RegistryUnavailable(f"MLflow at {self.base} could not be reached: {reason}") from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise RegistryUnavailable(f"MLflow at {self.base} answered {path} with something that is not JSON") from None
        if not isinstance(answer, dict):
            raise RegistryUnavailable(f"MLflow at {self.base} answered {path} with JSON that is not an object")
        return answer
