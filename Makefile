# Back-Office Value: build the book and run its tests from a fresh clone.
#   make book   install if needed, build the HTML into _build/html
#   make test   unit tests, strict nbval on every notebook, strict build
PYTHON ?= python3.11
VENV := .venv
BIN := $(abspath $(VENV))/bin
INSTALLED := $(VENV)/.installed
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
JB_STRICT := $(BIN)/jupyter-book build . -n -W --keep-going

CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export PATH := $(BIN):$(PATH)

.PHONY: book test install data notebooks report screenshots bench serve clean

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

# Debian's Chromium, which Playwright drives in the browser tests (Playwright downloads no browser here).
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

test: $(INSTALLED) $(CHROMIUM)
	$(BIN)/python -m pytest tests --ignore=tests/browser
	# Kernels inherit PYTHONWARNINGS: a deprecation in notebook code becomes stderr, which nbval rejects.
	PYTHONWARNINGS=default $(BIN)/python -m pytest --nbval $(NOTEBOOKS)
	$(JB_STRICT)
	$(BIN)/python -m pytest tests/browser

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

# Home page and one notebook page at desktop and phone widths, into screenshots/ (CJK fonts for the glossary).
screenshots: book $(CHROMIUM)
	@dpkg -s fonts-noto-cjk >/dev/null 2>&1 || $(SUDO) apt-get install -y -qq fonts-noto-cjk
	$(BIN)/python -m tests.browser.screenshots screenshots

bench: $(INSTALLED)
	$(BIN)/python benchmarks/build_times.py
	$(BIN)/python benchmarks/page_weight.py

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build
