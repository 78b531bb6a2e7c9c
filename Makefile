# MLTrack: `make run` starts the console with demo data; `make test` runs the test suite.
# Both work on a fresh machine with Python 3.11+ (they create .venv and install requirements.txt).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# MLflow for the registry tests only (a real tracking server and MLflow's client), in its own venv made by
# make test (make run does not need it):
# its dependencies would clash with the app's pins, and the app never imports it.
MLFLOW_VENV := .venv-mlflow
MLFLOW_STAMP := $(MLFLOW_VENV)/.installed

.PHONY: run test install bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(MLFLOW_STAMP): requirements-mlflow.txt
	test -x $(MLFLOW_VENV)/bin/python || $(PYTHON) -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MLFLOW_VENV)/bin/python -m pip install --quiet -r requirements-mlflow.txt
	touch $(MLFLOW_STAMP)

install: $(STAMP) $(MLFLOW_STAMP)

# The console, plus the Celery worker with its scheduler (beat) in the background: PDF reports and
# the scheduled jobs run here too, through the file-based broker under var/ (no server needed).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_demo
	$(BIN)/python manage.py backfill_compliance_snapshots
	@echo "MLTrack console: http://$(HOST):$(PORT)/  (log in with an account above)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/celery -A mltrack_site worker --beat --loglevel=WARNING --concurrency=2 & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(MLFLOW_VENV) var build *.egg-info
