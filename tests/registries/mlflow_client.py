"""Drives a real MLflow tracking server through MLflow's own client. Run with .venv-mlflow's python
(MLflow is not installed beside MLTrack): ``python mlflow_client.py URI STEP_JSON...``, where each
step is {"do": "register"|"version"|"stage"|"alias"|"delete", ...}."""

import json
import sys

from mlflow import MlflowClient


def main(uri: str, steps: list[dict]) -> None:
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    for step in steps:
        action = step["do"]
        if action == "register":
            client.create_registered_model(step["name"], tags=step.get("tags"), description=step.get("description"))
        elif action == "version":
            client.create_model_version(step["name"], source=step["source"], tags=step.get("tags"),
                                        description=step.get("description"))
        elif action == "stage":
            client.transition_model_version_stage(step["name"], str(step["version"]), step["stage"])
        elif action == "alias":
            client.set_registered_model_alias(step["name"], step["alias"], str(step["version"]))
        elif action == "delete":
            client.delete_registered_model(step["name"])
        else:
            raise SystemExit(f"unknown step {action!r}")


if __name__ == "__main__":
    main(sys.argv[1], [json.loads(arg) for arg in sys.argv[2:]])
