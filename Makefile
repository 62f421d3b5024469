# Sova — the two commands of the README:
#   make demo   install everything, then start the assistant (embedded: SQLite, in-memory bus, local chat)
#   make test   install everything, then run lint, type checks and the tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages Sova needs at run time, and those only the tests need (installed only when
# missing; needs root or sudo). festival + festvox-ru: the Russian voice; espeak-ng: the fallback
# voice (and speaks test sentences); chromium: the web chat page is tested in a real browser.
APT_PACKAGES := festival festvox-ru espeak-ng
APT_TEST_PACKAGES := chromium espeak-ng
STAMP := $(VENV)/.installed
# piper-tts is GPL-3.0: it gets its own virtualenv and runs as a worker process, never imported.
PIPER_VENV := .venv-piper
PIPER_STAMP := $(PIPER_VENV)/.installed

.PHONY: demo run chat test lint typecheck pytest install system-deps test-system-deps services bench-nlu clean

demo: install
	$(BIN)/sova demo

run: install
	$(BIN)/sova run

chat: install
	$(BIN)/sova chat

test: install test-system-deps services lint typecheck pytest

install: system-deps $(STAMP) $(PIPER_STAMP)

# Re-installs when the pinned set changes. requirements.lock holds every transitive pin;
# pyproject.toml names the direct dependencies (same versions).
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Sova needs Python 3.11, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	# The terrain model's metadata asks for onnxruntime-gpu on Linux; the CPU onnxruntime of the
	# lock runs it, so it is installed without its dependencies (and cannot be in the lock).
	$(BIN)/python -m pip install --quiet --no-deps adaptive-terrain-diffusion==0.4.2
	touch $(STAMP)

$(PIPER_STAMP): requirements-piper.lock
	test -x $(PIPER_VENV)/bin/python || $(PYTHON) -m venv $(PIPER_VENV)
	$(PIPER_VENV)/bin/python -m pip install --quiet -r requirements-piper.lock
	touch $(PIPER_STAMP)

system-deps:
	@$(call apt_install,$(APT_PACKAGES))

test-system-deps:
	@$(call apt_install,$(APT_TEST_PACKAGES))

define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
fi
endef

# The tests use the real PostgreSQL and Redis on 127.0.0.1; start them when they are down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true

lint: install
	$(BIN)/ruff check bot plugins models bench tests

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

bench-nlu: install
	$(BIN)/python -m bench.nlu_snips --out bench/out/nlu_snips.json

clean:
	rm -rf $(VENV) $(PIPER_VENV) var .mypy_cache .ruff_cache .pytest_cache
