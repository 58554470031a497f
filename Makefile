# Two commands a newcomer needs: `make demo` and `make test`. Both build their own virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

TESSDATA := /usr/share/tesseract-ocr/5/tessdata/eng.traineddata

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "breachdesk needs Python 3.11"'
	@# OCR of scanned forms needs Debian's English model; installed where we may (as root).
	@[ -f $(TESSDATA) ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr-eng; } || \
	  echo "breachdesk: scanned images will be listed needs_ocr until 'apt-get install tesseract-ocr-eng'"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/breachdesk demo --out breachdesk-demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_synth.py --patients 100000

clean:
	rm -rf $(VENV) breachdesk-demo .pytest_cache .mypy_cache .ruff_cache
