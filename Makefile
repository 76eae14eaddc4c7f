# Back-Office Value: build the book and run its tests from a fresh clone.
#   make book   install if needed, execute the notebooks (two at a time) and build the HTML into _build/html,
#               the Chinese edition (zh/) into _build/html/zh
#   make test   lint, unit tests and strict nbval (two workers), both editions' strict builds, the site in a browser
#   make unit   the quick inner loop: unit tests only, no notebooks, no browser
PYTHON ?= python3.11
VENV := .venv
BIN := $(abspath $(VENV))/bin
INSTALLED := $(VENV)/.installed
NOTEBOOKS := $(shell find book zh -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
JB_STRICT := $(BIN)/jupyter-book build . -n -W --keep-going
# The Chinese edition is its own Sphinx project (language zh_CN); its site is copied into the English one's zh/.
JB_STRICT_ZH := $(BIN)/jupyter-book build zh --path-output _build/zh -n -W --keep-going
COPY_ZH := rm -rf _build/html/zh && cp -r _build/zh/_build/html _build/html/zh
# Two workers on two cores; each keeps one BLAS thread (valuekit.book.notebooks sets the same for its kernels).
WORKERS ?= 2
PYTEST_PARALLEL := $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

# Debian's Chromium, which Playwright drives in the browser tests (Playwright downloads no browser here).
CHROMIUM ?= /usr/bin/chromium
# Debian's Noto CJK fonts: the Chinese edition's figures (valuekit/theme.py) and screenshots need them.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export PATH := $(BIN):$(PATH)
export CHROMIUM
# Every target that executes notebooks shows deprecations on stderr, as nbval does, so outputs stored by
# one target pass the others.
export PYTHONWARNINGS := default

.PHONY: book test test-spark unit lint install data notebooks report screenshots bench bench-warehouse bench-scale simulate serve clean

# Reinstall only when the pins change.
$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

install: $(INSTALLED)

book: $(INSTALLED) $(CJK_FONT)
	$(BIN)/python -m valuekit.book.notebooks --fill-cache --jobs $(WORKERS)
	$(JB_STRICT)
	$(JB_STRICT_ZH)
	$(COPY_ZH)
	@echo "Book built: open $(CURDIR)/_build/html/index.html (or: make serve); 中文版: _build/html/zh/"

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "No browser at $(CHROMIUM) and no apt-get to install one:" \
	  "point CHROMIUM= at a Chromium or Chrome binary, e.g. make test CHROMIUM=/path/to/chromium"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

$(CJK_FONT):
	@command -v apt-get >/dev/null || { echo "No CJK font at $(CJK_FONT) and no apt-get to install one:" \
	  "install Noto Sans CJK (Debian/Ubuntu package fonts-noto-cjk) for the Chinese edition's figures"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq fonts-noto-cjk

lint: $(INSTALLED)
	$(BIN)/ruff check .

unit: $(INSTALLED)
	$(PYTEST_PARALLEL) tests --ignore=tests/browser -m "not notebook and not second_company and not slow and not spark" -q

# nbval executes every notebook once and checks its stored outputs; the build then renders those
# checked outputs without executing them again (BOOK_EXECUTION=off, see valuekit/book/sphinx_inputs.py).
test: $(INSTALLED) $(CHROMIUM) $(CJK_FONT) lint
	$(PYTEST_PARALLEL) tests --ignore=tests/browser -m "not spark" --nbval $(NOTEBOOKS)
	BOOK_EXECUTION=off $(JB_STRICT)
	BOOK_EXECUTION=off $(JB_STRICT_ZH)
	$(COPY_ZH)
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup tests/browser -q

# The metric layer on Spark (PySpark local mode) against DuckDB; Java from Debian's packages on first use.
# A JVM start and two companies take minutes, so it is its own target; .ci/run calls it after make test.
test-spark: $(INSTALLED)
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq default-jre-headless; }
	REQUIRE_SPARK=1 $(BIN)/python -m pytest tests/test_warehouse_spark.py -q

# Regenerate the sample company (byte-identical for the same seed).
data: $(INSTALLED)
	$(BIN)/python -m valuekit.generate data

# Re-execute every notebook of both editions in place (two at a time), storing fresh outputs for nbval,
# and rewrite the English notebooks' MyST Markdown twins (jupytext.toml).
notebooks: $(INSTALLED) $(CJK_FONT)
	$(BIN)/python -m valuekit.book.notebooks --jobs $(WORKERS) $(NOTEBOOKS)

# The one-page value report as standalone HTML: make report DATA=path/to/folder [NAME="CRM team"]
DATA ?= data
report: $(INSTALLED)
	$(BIN)/python -m valuekit.report --data "$(DATA)" --out reports $(if $(NAME),--name "$(NAME)")

# What a data folder holds for the book, per table and per value-report section: make check DATA=path/to/folder
check: $(INSTALLED)
	$(BIN)/python -m valuekit.check --data "$(DATA)"

# Home and notebook pages of both editions at desktop and phone widths, into screenshots/
screenshots: book $(CHROMIUM)
	$(BIN)/python -m tests.browser.screenshots screenshots

# The attribution simulation study (200 seeds, easy and hard mode) into book/part3/simulation-results.csv;
# the book only reads that file. Low priority and one BLAS thread: it is long, and the machine is shared.
simulate: $(INSTALLED)
	OPENBLAS_NUM_THREADS=1 nice -n 10 $(BIN)/python -m valuekit.simulation

bench: $(INSTALLED) $(CHROMIUM)
	$(BIN)/python benchmarks/build_times.py
	$(BIN)/python benchmarks/page_weight.py
	$(BIN)/python benchmarks/attribution_times.py

# The metric layer's usage metrics over 100 M synthetic events on DuckDB, and DuckDB against pandas on 10 M.
bench-warehouse: $(INSTALLED)
	nice -n 10 $(BIN)/python benchmarks/warehouse.py

# Validating and loading a leads table of 1 M and 10 M rows, CSV and Parquet: times, peak memory, the target.
bench-scale: $(INSTALLED)
	$(BIN)/python benchmarks/scale.py

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build
