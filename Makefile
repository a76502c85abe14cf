# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test browser clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/wafr demo -o wafr-review

# The report's browser test needs Debian's chromium; as root with apt we install it, elsewhere that test skips.
BROWSER := /usr/bin/chromium

test: $(STAMP) browser
	$(PY) -m pytest -n auto --dist loadfile

browser:
	@test -x $(BROWSER) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
		echo "chromium is not installed: the browser test will be skipped"

clean:
	rm -rf $(VENV) wafr-review
