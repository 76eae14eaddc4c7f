# Back-Office Value: build the book and run its tests from a fresh clone.
#   make book   install if needed, build the HTML into _build/html
#   make test   unit tests, strict nbval on every notebook, strict build
PYTHON ?= python3.11
VENV := .venv
BIN := $(abspath $(VENV))/bin
INSTALLED := $(VENV)/.installed
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
JB_STRICT := $(BIN)/jupyter-book build . -n -W --keep-going

export PATH := $(BIN):$(PATH)

.PHONY: book test install data notebooks report bench serve clean

# Reinstall only when the pins change.
$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

install: $(INSTALLED)

book: $(INSTALLED)
	$(JB_STRICT)
	@echo "Book built: open $(CURDIR)/_build/html/index.html (or: make serve)"

test: $(INSTALLED)
	$(BIN)/python -m pytest tests
	# Kernels inherit PYTHONWARNINGS: a deprecation in notebook code becomes stderr, which nbval rejects.
	PYTHONWARNINGS=default $(BIN)/python -m pytest --nbval $(NOTEBOOKS)
	$(JB_STRICT)

# Regenerate the sample company (byte-identical for the same seed).
data: $(INSTALLED)
	$(BIN)/python -m valuekit.generate data

# Re-execute every notebook in place, storing fresh outputs for nbval.
notebooks: $(INSTALLED)
	$(BIN)/python -m valuekit.notebooks $(NOTEBOOKS)

# The one-page value report as standalone HTML: make report DATA=path/to/folder [NAME="CRM team"]
DATA ?= data
report: $(INSTALLED)
	$(BIN)/python -m valuekit.report --data "$(DATA)" --out reports $(if $(NAME),--name "$(NAME)")

bench: $(INSTALLED)
	$(BIN)/python benchmarks/build_times.py

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build
