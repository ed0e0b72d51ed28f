# RetailInsight360: the two commands of the README, plus a few conveniences.
# `make run`  creates the virtualenv, installs the pinned requirements, runs `dbt build` on the
#             raw folder (BESTMARKET_RAW_DIR, default: the bundled sample) under the refresh
#             lock, swapping the warehouse in only on success, and prints a summary.
# `make test` installs the development tools too (requirements-dev.txt) and runs the whole test
#             suite (pytest driving dbt, docs, the browser), except the Spark target's tests:
#             `make test-spark` installs Spark (`make spark`) and runs them.
# `make lint` the linters, CI steps of their own: sqlfluff on the SQL, dbt-bouncer's conventions.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

CHROMIUM := /usr/bin/chromium

.PHONY: run test lint docs report nightly sample clean spark test-spark

# uv installs the same pinned set as pip in 15 s instead of 95 s here; pip if uv cannot.
# --compile-bytecode: the .pyc files are written once, at install (about 20 s of CPU on 2
# cores), as pip does. Without them every Python process compiles what it imports again when
# the environment forbids writing them (PYTHONDONTWRITEBYTECODE, set on this machine and its
# CI): importing dbt then costs 4.5 s of CPU instead of 2.3 s, in each of the test suite's
# processes.
# The runtime (requirements.txt) is all that `make run` installs; the project itself, once it
# has a pyproject.toml, goes in editable and without dependencies (they are the pinned ones).
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt || \
		$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	if [ -f pyproject.toml ]; then \
		$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e . || \
		$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e . ; fi
	touch $@

# The test and lint tools, on top of the runtime (requirements-dev.txt includes it).
$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt || \
		$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The commands below go through `bestmarket` (retailinsight/cli.py), so that they work on the
# named environment the user chose (`bestmarket env use`); `python -m retailinsight.cli` is the
# same command without relying on the console script being installed.
CLI := $(BIN)/python -m retailinsight.cli

run: $(BIN)/.installed
	$(CLI) refresh
	$(CLI) summary

# The browser test drives Debian's chromium package (root: CI runs as root).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: $(BIN)/.installed-dev $(CHROMIUM)
	$(BIN)/python -m pytest

# sqlfluff (dbt templater, .sqlfluff) on every SQL file, then dbt-bouncer (dbt-bouncer.yml) on
# the manifest of `dbt parse` in target/. Neither opens the warehouse: the templater's dbt is
# pointed at a file of its own under target/ all the same, never the user's warehouse.
lint: $(BIN)/.installed-dev
	BESTMARKET_WAREHOUSE=target/lint/lint.duckdb $(BIN)/sqlfluff lint models tests analyses macros
	$(BIN)/dbt parse
	$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

# The Spark target: dbt-spark and pyspark in the same virtualenv, a Java runtime
# and Debian's SQLite JDBC driver (the jar that profiles.yml's spark.jars names).
SQLITE_JDBC := /usr/share/java/sqlite-jdbc.jar
JAVA := /usr/bin/java

$(SQLITE_JDBC):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxerial-sqlite-jdbc-java

$(JAVA):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless

$(BIN)/.spark-installed: $(BIN)/.installed-dev requirements-spark.txt
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt -r requirements-spark.txt || \
		$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements-spark.txt
	touch $@

spark: $(BIN)/.spark-installed $(SQLITE_JDBC) $(JAVA)

# The Spark tests (pytest marker `spark`): builds on Spark and the parity with DuckDB on the
# real dataset. Separate from `make test` (minutes of JVM work on 2 cores); CI runs both.
test-spark: spark
	$(BIN)/python -m pytest -m spark

docs: $(BIN)/.installed
	$(CLI) docs

report: $(BIN)/.installed
	$(CLI) report

# The nightly refresh, step for step as .github/workflows/nightly.yml runs it (a test checks).
# Its incremental state lives between nights as an encrypted backup in cache-chiffre/, or in a
# bucket (BESTMARKET_NIGHT_STATE=s3://…; key BESTMARKET_CLE_SAUVEGARDE), restored only when no
# warehouse is there; the retention purge
# (BESTMARKET_RETENTION_MOIS, default 36) runs every night. Its first step (retailinsight.nuit)
# checks every precondition before anything changes: the backup key, the raw folder, space,
# and that the purge would not remove more than BESTMARKET_PURGE_PART_MAX (20 %) of the feedback.
# Then the morning digests of the alerts (retailinsight.alertes), between two backups: the
# refreshed warehouse is saved before sending, the send log after (retailinsight.nuit.etapes).
# `bestmarket nightly` runs the same steps (retailinsight.nuit.etapes; a test checks).
# BESTMARKET_NIGHT_STATE: where the state lives between nights, a folder (default cache-chiffre/)
# or s3://bucket/prefix (the workflow's: object storage, never an Actions cache).
BESTMARKET_NIGHT_STATE ?= cache-chiffre
nightly: $(BIN)/.installed
	$(BIN)/python -m retailinsight.nuit --sauvegardes $(BESTMARKET_NIGHT_STATE)
	$(BIN)/python -m retailinsight.sauvegarde reprendre --dossier $(BESTMARKET_NIGHT_STATE)
	$(BIN)/dbt source freshness
	$(BIN)/python -m retailinsight.rafraichir nuit
	$(BIN)/python -m retailinsight.rgpd purger
	$(BIN)/dbt docs generate
	$(BIN)/python -m retailinsight.rapport
	$(BIN)/python -m retailinsight.resume
	$(BIN)/python -m retailinsight.sauvegarde creer --dossier $(BESTMARKET_NIGHT_STATE) --garder 1
	$(BIN)/python -m retailinsight.alertes envoyer
	$(BIN)/python -m retailinsight.sauvegarde creer --dossier $(BESTMARKET_NIGHT_STATE) --garder 1

sample: $(BIN)/.installed
	$(BIN)/python -m retailinsight.generateur --sortie data/echantillon --lignes 3000 --graine 42

clean:
	rm -rf target logs warehouse/*.duckdb rapport
