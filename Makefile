# RetailInsight360: the two commands of the README, plus a few conveniences.
# `make run`  creates the virtualenv, installs the pinned requirements, runs `dbt build` on the
#             raw folder (BESTMARKET_RAW_DIR, default: the bundled sample) under the refresh
#             lock, swapping the warehouse in only on success, and prints a summary.
# `make test` runs the whole test suite (pytest driving dbt, sqlfluff, docs), except the Spark
#             target's tests: `make test-spark` installs Spark (`make spark`) and runs them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

CHROMIUM := /usr/bin/chromium

.PHONY: run test docs report nightly sample clean spark test-spark

# uv installs the same pinned set as pip in 15 s instead of 95 s here; pip if uv cannot.
# --compile-bytecode: the .pyc files are written once, at install (about 20 s of CPU on 2
# cores), as pip does. Without them every Python process compiles what it imports again when
# the environment forbids writing them (PYTHONDONTWRITEBYTECODE, set on this machine and its
# CI): importing dbt then costs 4.5 s of CPU instead of 2.3 s, in each of the test suite's
# processes.
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt || \
		$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
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

test: $(BIN)/.installed $(CHROMIUM)
	$(BIN)/python -m pytest

# The Spark target (issue 12): dbt-spark and pyspark in the same virtualenv, a Java runtime
# and Debian's SQLite JDBC driver (the jar that profiles.yml's spark.jars names).
SQLITE_JDBC := /usr/share/java/sqlite-jdbc.jar
JAVA := /usr/bin/java

$(SQLITE_JDBC):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxerial-sqlite-jdbc-java

$(JAVA):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless

$(BIN)/.spark-installed: $(BIN)/.installed requirements-spark.txt
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt -r requirements-spark.txt || \
		$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-spark.txt
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
# Its incremental state lives between nights as an encrypted backup in cache-chiffre/
# (BESTMARKET_CLE_SAUVEGARDE), restored only when no warehouse is there; the retention purge
# (BESTMARKET_RETENTION_MOIS, default 36) runs every night. Its first step (retailinsight.nuit)
# checks every precondition before anything changes: the backup key, the raw folder, space,
# and that the purge would not remove more than BESTMARKET_PURGE_PART_MAX (20 %) of the feedback.
# `bestmarket nightly` runs the same steps (retailinsight.nuit.etapes; a test checks).
nightly: $(BIN)/.installed
	$(BIN)/python -m retailinsight.nuit --sauvegardes cache-chiffre
	$(BIN)/python -m retailinsight.sauvegarde reprendre --dossier cache-chiffre
	$(BIN)/dbt source freshness
	$(BIN)/python -m retailinsight.rafraichir build
	$(BIN)/python -m retailinsight.rgpd purger
	$(BIN)/dbt docs generate
	$(BIN)/python -m retailinsight.rapport
	$(BIN)/python -m retailinsight.resume
	$(BIN)/python -m retailinsight.sauvegarde creer --dossier cache-chiffre --garder 1

sample: $(BIN)/.installed
	$(BIN)/python -m retailinsight.generateur --sortie data/echantillon --lignes 3000 --graine 42

clean:
	rm -rf target logs warehouse/*.duckdb rapport
