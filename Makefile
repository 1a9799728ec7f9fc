# The two set-up commands: `make site` builds the sample site, `make test` runs the tests.
# Each creates the virtual environment in .venv on first use.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site test catalogs clean chromium

site: $(STAMP)
	$(PYTHON) build.py

test: $(STAMP) chromium
	$(VENV)/bin/ruff check sitegen tests build.py
	$(PYTHON) -m pytest -q

# The browser tests run the site's script in headless Chromium (Debian's package).
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		{ echo "installing Chromium for the browser tests"; \
		  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# After changing interface strings: refresh the template and every language's catalog.
catalogs: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k pgettext:1c,2 --no-location --sort-output \
		--omit-header -o sitegen/locale/messages.pot .
	$(VENV)/bin/pybabel update -i sitegen/locale/messages.pot -d sitegen/locale \
		--ignore-obsolete --ignore-pot-creation-date --width 100

$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf output .venv .pytest_cache
