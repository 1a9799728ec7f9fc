# The two set-up commands: `make site` builds the sample site, `make test` runs the tests.
# Each creates the virtual environment in .venv on first use.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: site check test screenshots catalogs clean test-tools

# The address comes from $$SITEGEN_BASE_URL when set (CI sets it), else from content/site.yaml.
site: $(STAMP)
	$(PYTHON) build.py

# Before publishing: every content warning fails, and every link of output/ must resolve.
check: $(STAMP)
	$(PYTHON) -m sitegen check --strict --links

test: $(STAMP) test-tools $(NODE_STAMP)
	$(VENV)/bin/ruff check sitegen tests build.py bench tools
	$(PYTHON) -m pytest -q

# Desktop and mobile screenshots of the sample site's main pages, into screenshots/ (one of
# them is the README's).
screenshots: $(STAMP) test-tools
	$(PYTHON) build.py
	$(PYTHON) tools/screenshots.py output screenshots
	cp screenshots/fi-meeting-mobile.png docs/screenshot-meeting-fi-mobile.png

# Debian packages the tests drive: Chromium (the site's scripts, axe-core), Java (the Nu HTML
# Checker), npm (axe-core), nginx and rsync (the hosting recipes of docs/publishing.md),
# faketime (builds on another day must give the same bytes).
# Each is "command[/other name]:package". The tests start nginx themselves, so the service the
# package would start (under systemd) is stopped again. Java's package fails without the man
# folder, which slim Debian images leave out.
TEST_TOOLS := chromium/chromium-browser:chromium java:default-jre-headless npm:npm \
	nginx:nginx-light rsync:rsync faketime:faketime
test-tools:
	@missing=$$(for tool in $(TEST_TOOLS); do found=; \
		for name in $$(echo $${tool%%:*} | tr / ' '); do \
			PATH="$$PATH:/usr/sbin" command -v $$name >/dev/null && found=1; done; \
		[ -n "$$found" ] || echo $${tool#*:}; done); \
	if [ -n "$$missing" ]; then echo "installing for the tests:" $$missing; \
		mkdir -p /usr/share/man/man1; \
		apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
		case " $$missing " in *" nginx-light "*) \
			! command -v systemctl >/dev/null || systemctl disable --now nginx >/dev/null 2>&1 || true;; \
		esac; fi

# The npm packages of the browser tests (package.json), as locked.
$(NODE_STAMP): package.json package-lock.json | test-tools
	npm ci --include=dev --no-audit --no-fund
	touch $@

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
	rm -rf output .venv .pytest_cache node_modules screenshots
