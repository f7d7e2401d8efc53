# The two commands: `make run` (set up everything and serve) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint check clean lock

# pyproject.toml pins the direct dependencies; requirements.lock (made from it by `make lock`) pins every
# transitive one too, so a fresh install gets exactly the versions CI tested.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test,s3]"
	touch $(STAMP)

# Refresh requirements.lock after changing a pin in pyproject.toml (then `make test`).
lock: $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[lock]"
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
		--no-emit-find-links --extra test --extra s3 --extra bench --extra lock \
		--output-file requirements.lock pyproject.toml

run: $(STAMP)
	$(PY) manage.py serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

test: lint check
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
