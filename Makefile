# Convenience wrappers around scripts/scm.py (which installs into .venv on first use).
#   make run                       build on the embedded data and print the review list
#   make run RAW_DIR=/data/2012Q3    build on an operator's raw files (CSV or Parquet, CONTRACT.md)
#   make run VARS='{review_list_size: 30}'
#   make test                      every test: dbt data and unit tests, end-to-end, reference values, lint
#   make lint                      sqlfluff and ruff only
#   make demo                      a synthetic national scenario with quarters, published apart (build/demo)
PYTHON ?= python3
VARS ?=
RAW_DIR ?=

.PHONY: run test lint demo seeds-check

run:
	$(PYTHON) scripts/scm.py run $(if $(RAW_DIR),--raw-dir "$(RAW_DIR)") $(if $(VARS),--vars "$(VARS)")

test:
	$(PYTHON) scripts/scm.py test

lint:
	$(PYTHON) scripts/scm.py lint

demo:
	$(PYTHON) scripts/scm.py demo

# Regenerate the embedded seeds from ../shared/data/reference and compare (developers only: a clone of the
# product has no ../shared). The custody and covariate seeds read the committed county seeds: they come second.
seeds-check:
	.venv/bin/python devtools/build_seeds.py --check
	.venv/bin/python devtools/build_custody_seeds.py --check
	.venv/bin/python devtools/build_reference_covariates.py --check
