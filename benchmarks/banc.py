"""The benchmark: what the main job costs, beside the same work done without the project.

    .venv/bin/python -m benchmarks.banc                       # 10k, 1M and 10M rows, 3 runs
    .venv/bin/python -m benchmarks.banc --tailles 10000 1000000 --executions 3
    .venv/bin/python -m benchmarks.banc --tailles 100000000 --executions 1 --seul-build

For each size it generates a raw folder with the project's generator (bounded memory; kept in
`--dossier`, reused when already there), then measures, as the median of `--executions` runs,
the wall time and the peak resident memory (of the process and all its children):
- `build`: the main job from raw, `python -m retailinsight.rafraichir build` (dbt build: every
  model, data test, unit test and snapshot) on an empty warehouse;
- `plancher`: the floor, one plain DuckDB SQL script (benchmarks/plancher.sql) doing the same
  ingestion into the same fact and dimensions and computing the 19 answers, no dbt;
- `sqlite`: the 19 answers asked of the folder's `Satisfaction.db` with SQLite;
- `reponses`: the 19 answer models alone on the built warehouse (`dbt run --select
  path:models/marts/answers`), dbt's start-up included;
- `increment` (largest size only): the nightly's refresh (`python -m retailinsight.rafraichir
  nuit`, as `make nightly` runs it) after a nightly export with 10,000 new feedbacks and 100
  changed ones, on a copy of the built warehouse, twice: sent as a complete export (the
  project's default, `exports_complets: true`) and as a delta export holding only those 10,100
  rows (`--vars '{exports_complets: false}'`); each result's fact and answers are compared
  with a full rebuild on the complete export;
- dbt's fixed cost: `dbt parse` and the main job on the bundled sample.
With `--spark` (after `make spark`), it measures instead the main job on the Spark target
(`python -m retailinsight.rafraichir build --target spark`, empty Spark warehouse) beside the
DuckDB main job, on each size (`0`: the bundled sample), for the "Spark" section:
    .venv/bin/python -m benchmarks.banc --spark --tailles 0 1000000 10000000 --executions 1
(`--spark-memoire`: the driver's memory, BESTMARKET_SPARK_DRIVER_MEMORY; a CSV export is read
whole by the driver).
Results go to `benchmarks/resultats.json` (merged by size, so a 100M run adds to the others)
and `BENCHMARKS.md` is rewritten from them. Never run from the tests: speed lives here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DBT = str(Path(sys.executable).with_name("dbt"))
RESULTATS = RACINE / "benchmarks" / "resultats.json"
RAPPORT = RACINE / "BENCHMARKS.md"
ECHANTILLON = RACINE / "data" / "echantillon"
NOUVEAUX = 10_000
MODIFIES = 100


def rss_arbre(racine: int) -> int:
    """Resident memory (bytes) of process `racine` and all its descendants, from /proc."""
    parents, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            champs = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(champs[1])
            rss[pid] = int(champs[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, a_voir = 0, [racine]
    while a_voir:
        pid = a_voir.pop()
        total += rss.get(pid, 0)
        a_voir += [enfant for enfant, parent in parents.items() if parent == pid]
    return total


def mesurer(commande: list[str], env: dict | None = None, surveiller: Path | None = None,
            arbre: bool = False) -> dict:
    """Run `commande`; return its wall time, peak RSS (largest process of the tree, from
    wait4; with `arbre`, the largest sum over the whole process tree sampled every 0.5 s,
    for Spark's JVM, which wait4 does not see) and, when `surveiller` is given, the largest
    size that folder reached."""
    debut = time.perf_counter()
    processus = subprocess.Popen(commande, cwd=RACINE, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
    pic_disque, pic_arbre = [0], [0]
    fini = threading.Event()

    def sonder():
        while not fini.wait(0.5):
            if surveiller:
                pic_disque[0] = max(pic_disque[0], taille(surveiller))
            if arbre:
                pic_arbre[0] = max(pic_arbre[0], rss_arbre(processus.pid))

    sonde = threading.Thread(target=sonder, daemon=True) if surveiller or arbre else None
    if sonde:
        sonde.start()
    sortie = processus.stdout.read()
    _, statut, usage = os.wait4(processus.pid, 0)
    duree = time.perf_counter() - debut
    fini.set()
    if os.waitstatus_to_exitcode(statut) != 0:
        raise RuntimeError(f"{' '.join(commande)} failed:\n{sortie.decode()[-4000:]}")
    resultat = {"secondes": round(duree, 2), "rss_mo": round(usage.ru_maxrss / 1024)}
    if arbre:
        resultat["rss_mo"] = max(resultat["rss_mo"], round(pic_arbre[0] / 2**20))
    if surveiller:
        resultat["disque_mo"] = round(max(pic_disque[0], taille(surveiller)) / 2**20)
    return resultat


def taille(chemin: Path) -> int:
    if chemin.is_file():
        return chemin.stat().st_size
    total = 0
    for dossier, _, fichiers in os.walk(chemin):  # files that vanish meanwhile are skipped
        for nom in fichiers:
            try:
                total += os.stat(os.path.join(dossier, nom)).st_size
            except OSError:
                pass
    return total


def mediane(mesures: list[dict]) -> dict:
    cles = mesures[0].keys()
    return {cle: statistics.median(m[cle] for m in mesures) for cle in cles} | {
        "executions": len(mesures), "toutes_secondes": [m["secondes"] for m in mesures]}


def env_dbt(dossier_brut: Path, entrepot: Path) -> dict:
    return dict(os.environ, BESTMARKET_RAW_DIR=str(dossier_brut),
                BESTMARKET_WAREHOUSE=str(entrepot), DBT_SEND_ANONYMOUS_USAGE_STATS="false")


def generer(dossier: Path, lignes: int) -> Path:
    brut = dossier / f"brut-{lignes}"
    if not (brut / ".complet").exists():
        shutil.rmtree(brut, ignore_errors=True)
        subprocess.run([PYTHON, "-m", "retailinsight.generateur", "--sortie", str(brut),
                        "--lignes", str(lignes)], cwd=RACINE, check=True,
                       stdout=subprocess.DEVNULL)
        (brut / ".complet").touch()
    return brut


def build(brut: Path, entrepot: Path, travail: Path) -> dict:
    for reste in entrepot.parent.glob(entrepot.name + "*"):
        shutil.rmtree(reste) if reste.is_dir() else reste.unlink()
    return mesurer([PYTHON, "-m", "retailinsight.rafraichir", "build", "--target-path",
                    str(travail / "target"), "--log-path", str(travail / "logs")],
                   env_dbt(brut, entrepot), surveiller=entrepot.parent)


def export_suivant(brut: Path, suivant: Path) -> list[int]:
    """The next nightly export: the same folder plus NOUVEAUX new feedbacks (CSV) and MODIFIES
    feedbacks of the CRM changed in place (another note), keys taken from the CRM alone."""
    shutil.rmtree(suivant, ignore_errors=True)
    shutil.copytree(brut, suivant)
    with sqlite3.connect(suivant / "Satisfaction.db") as base:
        cles = [c for (c,) in base.execute(
            "select cle_retour_client from retour_client order by rowid limit ?", [MODIFIES])]
        base.executemany("update retour_client set note = (note + 1) % 11 "
                         "where cle_retour_client = ?", [(c,) for c in cles])
    # A key present in both exports would become a conflict: change it in the CSV too.
    cles_texte = {str(c) for c in cles}
    lignes = (suivant / "retour_client.csv").read_bytes().split(b"\r\n")
    for i, ligne in enumerate(lignes):
        champs = ligne.split(b";")
        if champs[0].decode() in cles_texte:
            champs[1] = str((int(champs[1]) + 1) % 11).encode()
            lignes[i] = b";".join(champs)
    base_cle = 3_000_000_000
    nouvelles = [f"{base_cle + i};{i % 11};{1 + i % 145};{1 + i % 84};2022-04-0{1 + i % 9};"
                 f"email;livraison;{i % 2}".encode("cp1252") for i in range(NOUVEAUX)]
    contenu = b"\r\n".join(lignes[:-1] + nouvelles) + b"\r\n"
    (suivant / "retour_client.csv").write_bytes(contenu)
    return cles


def export_delta(suivant: Path, cles: list[int], delta: Path) -> None:
    """The same night as a delta export (the project's `exports_complets: false` mode): only the
    NOUVEAUX new feedbacks and the changed ones (`cles`, as `export_suivant` returned them), in
    both formats as `export_suivant` wrote them; the product and store references whole."""
    shutil.rmtree(delta, ignore_errors=True)
    delta.mkdir(parents=True)
    for nom in ("produit.csv", "ref_magasin.csv"):
        shutil.copy(suivant / nom, delta / nom)
    with sqlite3.connect(delta / "Satisfaction.db") as base:
        base.execute("attach ? as suivant", [str(suivant / "Satisfaction.db")])
        for (sql,) in base.execute("select sql from suivant.sqlite_master "
                                   "where type = 'table'").fetchall():
            base.execute(sql)
        for (table,) in base.execute("select name from suivant.sqlite_master "
                                     "where type = 'table'").fetchall():
            filtre = (f" where cle_retour_client in ({', '.join(map(str, cles))})"
                      if table == "retour_client" else "")
            base.execute(f"insert into main.{table} select * from suivant.{table}{filtre}")
    cles_texte = {str(c).encode() for c in cles}
    lignes = (suivant / "retour_client.csv").read_bytes().split(b"\r\n")[:-1]
    gardees = [l for l in lignes if l.split(b";", 1)[0] in cles_texte] + lignes[-NOUVEAUX:]
    (delta / "retour_client.csv").write_bytes(b"".join(l + b"\r\n" for l in gardees))


def comparer(entrepot_a: Path, entrepot_b: Path) -> list[str]:
    """Tables that differ between two warehouses: the fact (but when each row was loaded,
    `lot_chargement`) and every answer."""
    import duckdb

    differences = []
    with duckdb.connect() as base:
        for alias, chemin in (("a", entrepot_a), ("b", entrepot_b)):
            litteral = "'" + str(chemin).replace("'", "''") + "'"
            base.execute(f"attach {litteral} as {alias} (read_only)")
        tables = ["marts.fct_retour_client"] + [
            f"answers.{t}" for (t,) in base.execute(
                "select table_name from duckdb_tables() where database_name = 'a' "
                "and schema_name = 'answers'").fetchall()]
        for table in tables:
            lignes = "* exclude (lot_chargement)" if table == "marts.fct_retour_client" else "*"
            ecart = base.execute(
                f"select count(*) from ((select {lignes} from a.{table} except all "
                f"select {lignes} from b.{table}) union all (select {lignes} from b.{table} "
                f"except all select {lignes} from a.{table}))").fetchone()[0]
            if ecart:
                differences.append(f"{table}: {ecart} rows")
    return differences


def mesurer_taille(lignes: int, executions: int, dossier: Path, seul_build: bool,
                   increment: bool) -> dict:
    brut = generer(dossier, lignes)
    travail = dossier / f"travail-{lignes}"
    entrepot = travail / "entrepot" / "w.duckdb"
    resultat = {"lignes": lignes, "brut_mo": round(taille(brut) / 2**20)}
    print(f"[{lignes}] build", flush=True)
    resultat["build"] = mediane([build(brut, entrepot, travail) for _ in range(executions)])
    resultat["entrepot_mo"] = round(taille(entrepot) / 2**20)
    if seul_build:
        return resultat
    print(f"[{lignes}] plancher", flush=True)
    plancher = []
    for _ in range(executions):
        fichier = travail / "plancher.duckdb"
        fichier.unlink(missing_ok=True)
        plancher.append(mesurer([PYTHON, "-c", "import sys; from pathlib import Path; "
                                 "from benchmarks.etalons import executer_plancher; "
                                 "executer_plancher(Path(sys.argv[1]), Path(sys.argv[2]))",
                                 str(brut), str(fichier)]))
    resultat["plancher"] = mediane(plancher)
    resultat["plancher_mo"] = round(taille(travail / "plancher.duckdb") / 2**20)
    print(f"[{lignes}] sqlite", flush=True)
    resultat["sqlite"] = mediane([mesurer(
        [PYTHON, "-c", "import sys; from pathlib import Path; "
         "from benchmarks.etalons import executer_sqlite; executer_sqlite(Path(sys.argv[1]))",
         str(brut)]) for _ in range(executions)])
    print(f"[{lignes}] reponses", flush=True)
    resultat["reponses"] = mediane([mesurer(
        [DBT, "run", "--select", "path:models/marts/answers", "--target-path",
         str(travail / "target-reponses"), "--log-path", str(travail / "logs")],
        env_dbt(brut, entrepot)) for _ in range(executions)])
    if increment:
        resultat["increment"] = mesurer_increment(brut, entrepot, travail, executions)
    return resultat


def rafraichir_copie(entrepot: Path, copie: Path, export: Path, cible: Path,
                     options: tuple = ()) -> dict:
    """The nightly's refresh on a fresh copy of `entrepot`, reading `export`, measured."""
    shutil.rmtree(copie.parent, ignore_errors=True)
    copie.parent.mkdir(parents=True)
    shutil.copy(entrepot, copie)
    return mesurer([PYTHON, "-m", "retailinsight.rafraichir", "nuit", *options,
                    "--target-path", str(cible), "--log-path", str(cible.parent / "logs")],
                   env_dbt(export, copie))


def mesurer_increment(brut: Path, entrepot: Path, travail: Path, executions: int) -> dict:
    print("increment", flush=True)
    suivant = travail / "brut-suivant"
    cles = export_suivant(brut, suivant)
    copie = travail / "increment" / "w.duckdb"
    resultat = mediane([rafraichir_copie(entrepot, copie, suivant, travail / "target-inc")
                        for _ in range(executions)])
    complet = travail / "complet" / "w.duckdb"
    build(suivant, complet, travail)
    resultat["differences_avec_build_complet"] = comparer(copie, complet)
    # The same night sent as a delta export: only the new and changed rows.
    print("increment (delta export)", flush=True)
    delta = travail / "brut-delta"
    export_delta(suivant, cles, delta)
    resultat["delta"] = mediane([rafraichir_copie(
        entrepot, copie, delta, travail / "target-delta", ("--vars", "{exports_complets: false}"))
        for _ in range(executions)])
    resultat["delta"]["lignes_brutes"] = NOUVEAUX + MODIFIES
    resultat["delta"]["differences_avec_build_complet"] = comparer(copie, complet)
    return resultat


def build_spark(brut: Path, travail: Path, memoire: str) -> dict:
    entrepot = travail / "spark"
    shutil.rmtree(entrepot, ignore_errors=True)
    env = dict(env_dbt(brut, travail / "inutilise.duckdb"),
               BESTMARKET_SPARK_WAREHOUSE=str(entrepot), BESTMARKET_SPARK_DRIVER_MEMORY=memoire)
    return mesurer([PYTHON, "-m", "retailinsight.rafraichir", "build", "--target", "spark",
                    "--target-path", str(travail / "target-spark"), "--log-path",
                    str(travail / "logs-spark")], env, surveiller=entrepot, arbre=True)


def mesurer_spark(tailles: list[int], executions: int, dossier: Path, memoire: str,
                  resultats: dict) -> None:
    """resultats["spark"][size] = {"spark": …, "duckdb": …}: both targets' main job on the same
    folder, measured in the same run (so that the ratio compares like with like); written
    after each size (`0` in `tailles`: the bundled sample)."""
    spark = resultats.setdefault("spark", {})
    for lignes in tailles:
        brut = ECHANTILLON if lignes == 0 else generer(dossier, lignes)
        travail = dossier / f"travail-spark-{lignes}"
        travail.mkdir(parents=True, exist_ok=True)
        print(f"[spark {lignes or 'sample'}] build", flush=True)
        mesures = {"spark": mediane([build_spark(brut, travail, memoire)
                                     for _ in range(executions)])}
        print(f"[spark {lignes or 'sample'}] duckdb", flush=True)
        mesures["duckdb"] = mediane([build(brut, travail / "entrepot" / "w.duckdb", travail)
                                     for _ in range(executions)])
        spark["echantillon" if lignes == 0 else str(lignes)] = mesures
        resultats["spark_machine"] = machine()
        RESULTATS.write_text(json.dumps(resultats, indent=1, ensure_ascii=False) + "\n")
        ecrire_rapport(resultats)


def couts_fixes(executions: int, dossier: Path) -> dict:
    travail = dossier / "travail-echantillon"
    entrepot = travail / "entrepot" / "w.duckdb"
    parse = mediane([mesurer([DBT, "parse", "--target-path", str(travail / "target-parse"),
                              "--log-path", str(travail / "logs")],
                             env_dbt(ECHANTILLON, entrepot)) for _ in range(executions)])
    echantillon = mediane([build(ECHANTILLON, entrepot, travail) for _ in range(executions)])
    return {"parse": parse, "echantillon": echantillon}


def machine() -> dict:
    memoire = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return {
        "date": dt.date.today().isoformat(),
        "coeurs": os.cpu_count(),
        "memoire_gio": round(memoire / 2**20, 1),
        "systeme": platform.platform(),
        "python": platform.python_version(),
        "versions": {p: metadata.version(p) for p in ("dbt-core", "dbt-duckdb", "duckdb")},
    }


def fmt(valeur, unite="") -> str:
    return "—" if valeur is None else f"{valeur:,.1f}{unite}".replace(",", " ")


def phrase_increment(mesure: dict, build: dict, export: str) -> str:
    part = 100 * mesure["secondes"] / build["secondes"]
    return (f"{fmt(mesure['secondes'], ' s')} ({fmt(part, ' %')} of the full build), peak "
            f"{fmt(mesure['rss_mo'] / 1024, ' GB')}; fact and answers versus a full rebuild on "
            f"{export}: "
            + ("identical." if not mesure["differences_avec_build_complet"]
               else "DIFFERENT: " + "; ".join(mesure["differences_avec_build_complet"])))


def ecrire_rapport(resultats: dict) -> None:
    m = resultats["machine"]
    lignes = [
        "# Benchmarks",
        "",
        "Written by `.venv/bin/python -m benchmarks.banc` (see its docstring); rerun it to",
        "refresh this page. Times are wall-clock medians; memory is the peak resident set of",
        "the whole process tree; sizes are on disk.",
        "",
        f"Machine: {m['coeurs']} cores, {m['memoire_gio']} GiB, {m['systeme']}; Python "
        f"{m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f". Run on {m['date']}.",
        "",
        "| feedback rows | raw folder | main job (`dbt build` via the refresh) | floor "
        "(plain DuckDB script) | dbt / floor | SQLite, 19 answers | 19 answer models alone "
        "| SQLite / answer models | warehouse | floor's DuckDB file |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cle in sorted(resultats["tailles"], key=int):
        r = resultats["tailles"][cle]
        b, p, s, a = (r.get(k) for k in ("build", "plancher", "sqlite", "reponses"))
        lignes.append(
            f"| {int(cle):,} | {fmt(r['brut_mo'], ' MB')} "
            f"| {fmt(b['secondes'], ' s')}, {fmt(b['rss_mo'] / 1024, ' GB')} "
            f"| {fmt(p and p['secondes'], ' s')}{p and ', ' + fmt(p['rss_mo'] / 1024, ' GB') or ''} "
            f"| {fmt(p and b['secondes'] / p['secondes'], '×')} "
            f"| {fmt(s and s['secondes'], ' s')} | {fmt(a and a['secondes'], ' s')} "
            f"| {fmt(s and a and s['secondes'] / a['secondes'], '×')} "
            f"| {fmt(r['entrepot_mo'], ' MB')} | {fmt(r.get('plancher_mo'), ' MB')} |"
            )
    for cle in sorted(resultats["tailles"], key=int):
        r = resultats["tailles"][cle]
        if "increment" in r:
            i = r["increment"]
            lignes += ["", f"Nightly increment on the {int(cle):,}-row warehouse ({NOUVEAUX:,} "
                       f"new feedbacks, {MODIFIES} changed), sent as a complete export: "
                       + phrase_increment(i, r["build"], "the same export")]
            if "delta" in i:
                lignes += ["", "The same night sent as a delta export (only the new and changed "
                           "rows, `--vars '{exports_complets: false}'`): "
                           + phrase_increment(i["delta"], r["build"], "the complete export")]
        if "disque_mo" in r["build"] and int(cle) >= 100_000_000:
            lignes += ["", f"{int(cle):,} rows: the build completed in "
                       f"{fmt(r['build']['secondes'] / 60, ' min')}, peak "
                       f"{fmt(r['build']['rss_mo'] / 1024, ' GB')} resident, "
                       f"{fmt(r['build']['disque_mo'] / 1024, ' GB')} at most on disk for the "
                       f"warehouse and its spill folder ({fmt(r['entrepot_mo'] / 1024, ' GB')} "
                       f"warehouse at the end; raw folder {fmt(r['brut_mo'] / 1024, ' GB')})."]
    if "fixes" in resultats:
        f = resultats["fixes"]
        lignes += ["", f"dbt's fixed cost: `dbt parse` {fmt(f['parse']['secondes'], ' s')}; "
                   f"the main job on the bundled sample (3,000 feedbacks) "
                   f"{fmt(f['echantillon']['secondes'], ' s')}."]
    if "spark" in resultats:
        m = resultats["spark_machine"]
        lignes += ["", "## Spark", "",
                   "The main job on the Spark target (`rafraichir build --target spark`: dbt-spark, "
                   "pyspark in local mode on every core, empty Spark warehouse; no snapshots), "
                   "written by `.venv/bin/python -m benchmarks.banc --spark` on "
                   f"{m['date']}, beside the DuckDB main job (`rafraichir build`, empty "
                   "warehouse) on the same folder in the same run; "
                   f"{next(iter(resultats['spark'].values()))['spark']['executions']} run(s) "
                   "each, median.", "",
                   "| feedback rows | DuckDB | Spark | Spark / DuckDB |",
                   "| ---: | ---: | ---: | ---: |"]
        for cle, mesures in resultats["spark"].items():
            d, sp = mesures["duckdb"], mesures["spark"]
            lignes.append(
                f"| {'3,000 (sample)' if cle == 'echantillon' else f'{int(cle):,}'} "
                f"| {fmt(d['secondes'], ' s')}, {fmt(d['rss_mo'] / 1024, ' GB')} "
                f"| {fmt(sp['secondes'], ' s')}, {fmt(sp['rss_mo'] / 1024, ' GB')} "
                f"| {fmt(sp['secondes'] / d['secondes'], '×')} |")
    lignes += ["", "Every run's times are in `benchmarks/resultats.json`.", ""]
    texte = "\n".join(lignes)
    if RAPPORT.exists() and "<!-- notes -->" in RAPPORT.read_text():
        texte += RAPPORT.read_text().split("<!-- notes -->", 1)[1].join(["<!-- notes -->", ""])
    RAPPORT.write_text(texte)


def main(argv=None) -> int:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--tailles", type=int, nargs="+",
                           default=[10_000, 1_000_000, 10_000_000])
    analyseur.add_argument("--executions", type=int, default=3)
    analyseur.add_argument("--dossier", type=Path,
                           default=Path(tempfile.gettempdir()) / "bestmarket-banc",
                           help="where raw folders and warehouses go (reused between runs)")
    analyseur.add_argument("--seul-build", action="store_true",
                           help="measure only the main job (for the 100M-row run)")
    analyseur.add_argument("--sans-couts-fixes", action="store_true")
    analyseur.add_argument("--spark", action="store_true",
                           help="measure the main job on the Spark target (after `make spark`)")
    analyseur.add_argument("--spark-memoire", default="8g",
                           help="the Spark driver's memory (BESTMARKET_SPARK_DRIVER_MEMORY)")
    arguments = analyseur.parse_args(argv)
    arguments.dossier.mkdir(parents=True, exist_ok=True)
    resultats = json.loads(RESULTATS.read_text()) if RESULTATS.exists() else {"tailles": {}}
    if arguments.spark:
        mesurer_spark(arguments.tailles, arguments.executions, arguments.dossier,
                      arguments.spark_memoire, resultats)
        print(RAPPORT.read_text())
        return 0
    resultats["machine"] = machine()
    plus_grande = max(arguments.tailles)
    for lignes in arguments.tailles:
        resultats["tailles"][str(lignes)] = mesurer_taille(
            lignes, arguments.executions, arguments.dossier, arguments.seul_build,
            increment=lignes == plus_grande and not arguments.seul_build)
        RESULTATS.write_text(json.dumps(resultats, indent=1, ensure_ascii=False) + "\n")
        ecrire_rapport(resultats)
    if not arguments.sans_couts_fixes and not arguments.seul_build:
        resultats["fixes"] = couts_fixes(arguments.executions, arguments.dossier)
    RESULTATS.write_text(json.dumps(resultats, indent=1, ensure_ascii=False) + "\n")
    ecrire_rapport(resultats)
    print(RAPPORT.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
