# cbdash: `make run` starts the app on the shipped data; `make test` runs every test.
# Both create .venv with python3 and install the pinned dependencies (requirements.lock).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
PORT ?= 8501

.PHONY: run test lint format bench evaluate validate lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m cbdash validate data
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not serial"
	$(BIN)/python -m pytest -m serial

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

evaluate: $(STAMP)
	$(BIN)/python -m evaluation.dedupe data

validate: $(STAMP)
	$(BIN)/python -m cbdash validate data

bench: $(STAMP)
	$(BIN)/python -m bench

# Re-pin after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/cbdash-lock && $(PYTHON) -m venv /tmp/cbdash-lock
	/tmp/cbdash-lock/bin/pip install --quiet --upgrade pip
	/tmp/cbdash-lock/bin/pip install --quiet ".[test]"
	/tmp/cbdash-lock/bin/pip freeze --exclude cbdash > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
