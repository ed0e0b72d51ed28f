"""`bestmarket`: the one command for everything a user does with RetailInsight360.

A thin layer over the product's modules (each still runs as `python -m retailinsight.X`):
every subcommand first applies the named environment (`retailinsight.environnements`), so
that it works on the data the user chose, then calls the module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                           TimeElapsedColumn)
from rich.table import Table

from retailinsight import environnements, reglages
from retailinsight.erreurs import CODE_VERROU_PRIS, OperationRefusee, VerrouPris

CODES = f"""Exit codes: 0 done; 1 failed (nothing half-done is left: the message says what was
kept); 2 wrong usage (unknown option, unknown environment) or a precondition not met (a purge
beyond its allowed share, a missing key: nothing was changed); {CODE_VERROU_PRIS} locked: another
operation (refresh, backup, publication, erasure, purge) holds the warehouse; try again when it
has finished."""

AIDE = """Turn BestMarket's customer-feedback exports into a tested warehouse, and answer the
business questions from it.

Start with `bestmarket refresh` (the bundled sample), or choose your data once with
`bestmarket env use reel --raw-dir FOLDER --warehouse warehouse/reel.duckdb`: every later
command (summary, report, docs, mf, backups...) then works on it."""

# No local variables in a traceback: they may hold a key.
app = typer.Typer(help=AIDE, epilog=CODES, no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None, pretty_exceptions_show_locals=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
sauvegardes_app = typer.Typer(help="Encrypted, signed backups of the warehouse.\n\nThe key is "
                              f"read from {reglages.CLE_SAUVEGARDE.variable}.", epilog=CODES,
                              no_args_is_help=True)
env_app = typer.Typer(help="Choose the data every command uses (named environments).",
                      epilog=CODES, no_args_is_help=True)
alertes_app = typer.Typer(help="The alerts' morning digests (sent by SMTP) and their "
                          "acknowledgement log.\n\nSMTP settings: BESTMARKET_SMTP_SERVEUR, "
                          "_PORT, _UTILISATEUR, _MOT_DE_PASSE (environment only); recipients: "
                          "BESTMARKET_ALERTES_DESTINATAIRES_<AUDIENCE>.", epilog=CODES,
                          no_args_is_help=True)
app.add_typer(sauvegardes_app, name="backup")
app.add_typer(env_app, name="env")
app.add_typer(alertes_app, name="alerts")

console = Console(stderr=True, soft_wrap=True)  # a path in a message stays whole
# A line of dbt's log naming a node's result: "  12 of 87 OK created sql table model ...".
NOEUD_TERMINE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP)\b")
COULEURS = re.compile(r"\x1b\[[0-9;]*m")
PASSER = {"allow_extra_args": True, "ignore_unknown_options": True}


# Options shared by several commands: each reads its environment variable, then the setting.
def _option_entrepot():
    return typer.Option(None, "--warehouse", "-w", envvar=reglages.ENTREPOT.variable,
                        help=f"{reglages.ENTREPOT.aide} (default: the environment's)")


def _option_sauvegardes():
    return typer.Option(None, "--folder", envvar=reglages.SAUVEGARDES.variable,
                        help=f"{reglages.SAUVEGARDES.aide} (default: "
                             f"{reglages.SAUVEGARDES.defaut})")


def _option_publication():
    return typer.Option(None, "--published", envvar=reglages.PUBLICATION.variable,
                        help=f"{reglages.PUBLICATION.aide} (default: "
                             f"{reglages.PUBLICATION.defaut})")


def _entrepot(valeur: Optional[Path]) -> Path:
    """The warehouse a command works on; an explicit one is exported to what it runs."""
    if valeur is not None:
        os.environ[reglages.ENTREPOT.variable] = str(valeur)
    return reglages.ENTREPOT.chemin()


def _entrepot_existant(valeur: Optional[Path]) -> Path:
    """The warehouse a reader opens; exit 1 naming it when there is none."""
    entrepot = _entrepot(valeur)
    if not entrepot.is_file():
        console.print(f"error: no warehouse at {entrepot}: build it with `bestmarket refresh` "
                      "(or choose another environment: `bestmarket env list`)",
                      markup=False, highlight=False)
        raise typer.Exit(1)
    return entrepot


def _terminer(code: int) -> None:
    """Exit with a documented code (a module's 2 is a refusal before any change)."""
    if code not in (0, 1, 2, CODE_VERROU_PRIS):
        code = 1
    raise typer.Exit(code)


def _interactif() -> bool:
    return console.is_terminal and not os.environ.get("CI")


@contextmanager
def _patience(texte: str):
    """A spinner on the terminal while `texte` runs (nothing when not on a terminal)."""
    if not _interactif():
        yield
        return
    with console.status(texte):
        yield


def _dbt() -> str:
    """The virtualenv's dbt (beside this Python), else the one on PATH."""
    return (shutil.which("dbt", path=str(Path(sys.executable).parent))
            or shutil.which("dbt") or "dbt")


def _mf() -> str:
    return (shutil.which("mf", path=str(Path(sys.executable).parent))
            or shutil.which("mf") or "mf")


def _executer(commande: list[str], **options) -> int:
    """Run a command with the environment dbt needs (project, profile, active environment)."""
    from retailinsight.rafraichir import environnement_dbt

    return subprocess.run(commande, env=environnement_dbt(), **options).returncode


@app.callback()
def principal(
    env: Optional[str] = typer.Option(
        None, "--env", "-e", envvar=reglages.ENVIRONNEMENT.variable,
        help="named environment for this command only (default: the active one, "
             "`bestmarket env use`)"),
):
    try:
        environnements.appliquer(env)
    except environnements.EnvironnementInconnu as erreur:
        console.print(f"error: {erreur}", markup=False, highlight=False)
        raise typer.Exit(2)


@app.command(context_settings=PASSER, epilog=CODES)
def refresh(
    ctx: typer.Context,
    entrepot: Optional[Path] = _option_entrepot(),
    dossier_brut: Optional[str] = typer.Option(
        None, "--raw-dir", envvar=reglages.DOSSIER_BRUT.variable,
        help=f"{reglages.DOSSIER_BRUT.aide} (default: the environment's)"),
):
    """Rebuild the warehouse from the raw exports, safely.

    It runs dbt build on a copy of the warehouse, one refresh at a time (locked), and swaps
    the copy in only when the build and its tests pass: a failed or interrupted refresh
    leaves the previous warehouse as it was.
    Arguments after `--` go to dbt: a dbt command (default `build`) and its options, e.g.
    `bestmarket refresh -- run --select path:models/marts/answers`, or options of the build
    alone: `bestmarket refresh -- --vars '{q10_top_n: 3}'`.
    """
    from retailinsight import rafraichir

    entrepot = _entrepot(entrepot)
    if dossier_brut is not None:
        os.environ[reglages.DOSSIER_BRUT.variable] = str(dossier_brut)
    arguments = list(ctx.args)
    if not arguments or arguments[0].startswith("-"):
        arguments.insert(0, "build")  # `bestmarket refresh -- --vars '{...}'`: options of build
    try:
        if not _interactif():
            code = rafraichir.rafraichir(arguments)
        else:
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                          MofNCompleteColumn(), TimeElapsedColumn(), console=console) as suivi:
                tache = suivi.add_task(f"dbt {arguments[0]} on {entrepot}", total=None)

                def ligne(texte: str) -> None:
                    suivi.console.print(texte, markup=False, highlight=False)
                    trouve = NOEUD_TERMINE.search(COULEURS.sub("", texte))
                    if trouve:
                        suivi.update(tache, completed=int(trouve.group(1)),
                                     total=int(trouve.group(2)))

                code = rafraichir.rafraichir(arguments, ligne=ligne)
    except VerrouPris as erreur:
        console.print(f"error: {erreur}", markup=False, highlight=False)
        raise typer.Exit(CODE_VERROU_PRIS)
    except OperationRefusee as erreur:
        console.print(f"error: {erreur}", markup=False, highlight=False)
        raise typer.Exit(1)
    _terminer(0 if code == 0 else 1)


@app.command(epilog=CODES)
def summary(entrepot: Optional[Path] = _option_entrepot()):
    """Print the key answers of the warehouse.

    Reconciliation of raw rows, share of recommendations, NPS (global, by source, by month),
    quarantine and new labels."""
    from retailinsight import resume

    print(resume.resume(str(_entrepot_existant(entrepot))))


@app.command(epilog=CODES)
def report(
    entrepot: Optional[Path] = _option_entrepot(),
    sortie: Optional[Path] = typer.Option(None, "--output", "-o",
                                          envvar=reglages.RAPPORT.variable,
                                          help=f"{reglages.RAPPORT.aide} (default: "
                                               f"{reglages.RAPPORT.defaut})"),
):
    """Write the HTML report for the customer-service lead.

    One page, in French, that opens offline."""
    from retailinsight import rapport

    arguments = ["--entrepot", str(_entrepot_existant(entrepot))]
    if sortie is not None:
        arguments += ["--sortie", str(sortie)]
    with _patience("writing the report"):
        _terminer(rapport.main(arguments))


@app.command(epilog=CODES)
def docs(
    servir: bool = typer.Option(True, "--serve/--no-serve",
                                help="serve the docs in the browser after generating them"),
    port: int = typer.Option(8080, "--port", help="port of the docs server"),
):
    """Generate and serve the dbt docs.

    Every model and column described, and the lineage graph."""
    code = _executer([_dbt(), "docs", "generate"])
    if code == 0 and servir:
        code = _executer([_dbt(), "docs", "serve", "--port", str(port)])
    _terminer(code)


@app.command(epilog=CODES)
def freshness():
    """Check that the raw exports are fresh (dbt source freshness)."""
    _terminer(_executer([_dbt(), "source", "freshness"]))


@sauvegardes_app.command("create", epilog=CODES)
def backup_create(
    entrepot: Optional[Path] = _option_entrepot(),
    dossier: Optional[str] = _option_sauvegardes(),
    garder: Optional[int] = typer.Option(None, "--keep",
                                         envvar=reglages.GARDER_SAUVEGARDES.variable,
                                         help=f"{reglages.GARDER_SAUVEGARDES.aide} (default: "
                                              f"{reglages.GARDER_SAUVEGARDES.defaut})"),
):
    """Write a new encrypted, signed backup of the warehouse.

    Locked: no refresh runs meanwhile."""
    from retailinsight import sauvegarde

    arguments = ["creer", "--entrepot", str(_entrepot(entrepot))]
    arguments += ["--dossier", str(dossier)] if dossier else []
    arguments += ["--garder", str(garder)] if garder is not None else []
    with _patience("writing the backup"):
        code = sauvegarde.main(arguments)
    _terminer(code)


@sauvegardes_app.command("list", epilog=CODES)
def backup_list(dossier: Optional[str] = _option_sauvegardes()):
    """List the backups (and name what interrupted backups left)."""
    from retailinsight import sauvegarde

    _terminer(sauvegarde.main(["lister", *(["--dossier", str(dossier)] if dossier else [])]))


@sauvegardes_app.command("verify", epilog=CODES)
def backup_verify(sauvegarde_: str = typer.Argument(
        ..., metavar="BACKUP", help="a backup folder (or s3://bucket/prefix/<time>)")):
    """Check a backup (signature, checksum, key) without restoring it."""
    from retailinsight import sauvegarde

    _terminer(sauvegarde.main(["verifier", str(sauvegarde_)]))


@sauvegardes_app.command("restore", epilog=CODES)
def backup_restore(
    sauvegarde_: str = typer.Argument(..., metavar="BACKUP",
                                      help="a backup folder (or s3://bucket/prefix/<time>)"),
    vers: Path = typer.Option(..., "--to", help="the new warehouse file (never an existing one)"),
):
    """Restore a backup into a new warehouse file.

    Rows erased since the backup was made stay erased."""
    from retailinsight import sauvegarde

    with _patience(f"restoring {sauvegarde_}"):
        code = sauvegarde.main(["restaurer", str(sauvegarde_), "--vers", str(vers)])
    _terminer(code)


@sauvegardes_app.command("resume", epilog=CODES)
def backup_resume(entrepot: Optional[Path] = _option_entrepot(),
                  dossier: Optional[str] = _option_sauvegardes()):
    """Restore the newest backup when there is no warehouse.

    The nightly job's encrypted cache; with a warehouse present, nothing changes."""
    from retailinsight import sauvegarde

    arguments = ["reprendre", "--entrepot", str(_entrepot(entrepot))]
    arguments += ["--dossier", str(dossier)] if dossier else []
    with _patience("restoring the newest backup"):
        code = sauvegarde.main(arguments)
    _terminer(code)


@app.command(epilog=CODES)
def publish(
    entrepot: Optional[Path] = _option_entrepot(),
    dossier: Optional[str] = typer.Option(None, "--folder",
                                          envvar=reglages.PUBLICATION.variable,
                                           help=f"{reglages.PUBLICATION.aide} (default: "
                                                f"{reglages.PUBLICATION.defaut})"),
    audience: Optional[List[str]] = typer.Option(None, "--audience",
                                                 help="publish only this audience (repeatable)"),
):
    """Publish the encrypted audience files.

    One file per audience, encrypted with its key BESTMARKET_CLE_<AUDIENCE>."""
    from retailinsight import publication

    arguments = ["--entrepot", str(_entrepot(entrepot))]
    arguments += ["--dossier", str(dossier)] if dossier else []
    for nom in audience or []:
        arguments += ["--audience", nom]
    with _patience("publishing"):
        code = publication.main(arguments)
    _terminer(code)


@app.command("open", epilog=CODES)
def ouvrir(
    fichier: Path = typer.Argument(..., help="a published audience file"),
    vers: Path = typer.Option(..., "--to", help="the new file (a zip for a .pages.zip)"),
    audience: Optional[str] = typer.Option(None, "--audience",
                                           help="whose key to use (default: the file's name)"),
):
    """Decrypt a published audience file.

    A .duckdb into a DuckDB file, still encrypted by DuckDB under the same key: ATTACH it with
    ENCRYPTION_KEY. A .pages.zip into a plain zip of the audience's report pages."""
    from retailinsight import publication

    arguments = ["ouvrir", str(fichier), "--vers", str(vers)]
    arguments += ["--audience", audience] if audience else []
    _terminer(publication.main(arguments))


def _options_rgpd(entrepot, publication_, sauvegardes) -> list[str]:
    arguments = ["--entrepot", str(_entrepot(entrepot))]
    arguments += ["--publication", str(publication_)] if publication_ else []
    arguments += ["--sauvegardes", str(sauvegardes)] if sauvegardes else []
    return arguments


@app.command(epilog=CODES)
def erase(
    cles: List[int] = typer.Option(..., "--key", "-k", help="a feedback key to erase "
                                   "(repeatable: --key 1 --key 2)"),
    entrepot: Optional[Path] = _option_entrepot(),
    publication_: Optional[str] = _option_publication(),
    sauvegardes: Optional[str] = _option_sauvegardes(),
):
    """Erase given feedbacks on request (GDPR).

    From every table; the register keeps their keyed hashes so that no refresh or restore
    brings them back; published files are republished or removed, older backups named."""
    from retailinsight import rgpd

    arguments = ["effacer", *[a for c in cles for a in ("--cle", str(c))]]
    _terminer(rgpd.main(arguments + _options_rgpd(entrepot, publication_, sauvegardes)))


@app.command(epilog=CODES)
def purge(
    mois: Optional[int] = typer.Option(None, "--months", envvar=reglages.RETENTION_MOIS.variable,
                                       help=f"{reglages.RETENTION_MOIS.aide} (default: "
                                            f"{reglages.RETENTION_MOIS.defaut})"),
    date_reference: Optional[str] = typer.Option(None, "--reference-date",
                                                 help="date the retention counts back from, "
                                                      "YYYY-MM-DD (default: today)"),
    part_max: Optional[float] = typer.Option(None, "--max-share", "--part-max",
                                             envvar=reglages.PURGE_PART_MAX.variable,
                                             help=f"{reglages.PURGE_PART_MAX.aide} (default: "
                                                  f"{reglages.PURGE_PART_MAX.defaut})"),
    forcer: bool = typer.Option(False, "--force", "--forcer", help="purge even beyond --max-share"),
    a_blanc: bool = typer.Option(False, "--dry-run", help="say what would be removed and "
                                 "whether it is refused (exit 1), change nothing"),
    entrepot: Optional[Path] = _option_entrepot(),
    publication_: Optional[str] = _option_publication(),
    sauvegardes: Optional[str] = _option_sauvegardes(),
):
    """Remove feedback older than the retention (GDPR).

    Feedback bought more than --months ago; refused when it would remove more than
    --max-share of the feedback."""
    from retailinsight import rgpd

    arguments = ["purger"]
    arguments += ["--mois", str(mois)] if mois is not None else []
    arguments += ["--date-reference", date_reference] if date_reference else []
    arguments += ["--part-max", str(part_max)] if part_max is not None else []
    arguments += ["--forcer"] if forcer else []
    arguments += ["--a-blanc"] if a_blanc else []
    _terminer(rgpd.main(arguments + _options_rgpd(entrepot, publication_, sauvegardes)))


@app.command(epilog=CODES)
def generate(
    sortie: Path = typer.Option(Path(reglages.GENERATEUR_SORTIE), "--output", "-o",
                                help="folder to write (created if needed)"),
    lignes: int = typer.Option(reglages.GENERATEUR_LIGNES, "--rows", help="distinct feedbacks"),
    graine: int = typer.Option(reglages.GENERATEUR_GRAINE, "--seed", help="random seed"),
    sans_ref_magasin: bool = typer.Option(False, "--without-store-table",
                                          help="leave the ref_magasin table out of "
                                               "Satisfaction.db"),
):
    """Generate a synthetic raw folder.

    The bundled sample is --rows 3000 --seed 42."""
    from retailinsight import generateur

    if not _interactif():
        compte = generateur.generer(sortie, lignes, graine, not sans_ref_magasin)
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console) as suivi:
            tache = suivi.add_task(f"generating {sortie}", total=lignes)
            compte = generateur.generer(sortie, lignes, graine, not sans_ref_magasin,
                                        avancement=lambda n: suivi.update(tache, completed=n))
    for nom, nombre in compte.items():
        print(f"{nom}: {nombre} rows")


@app.command(epilog=CODES)
def nightly(dossier: str = typer.Option(reglages.ETAT_NUIT.defaut, "--backups",
                                        envvar=reglages.ETAT_NUIT.variable,
                                        help=reglages.ETAT_NUIT.aide)):
    """Run the nightly refresh, as `make nightly` does.

    Step for step: every precondition checked first (backup key, SMTP settings, raw folder,
    space, purge share), then restore from the encrypted cache, freshness, refresh, retention
    purge, docs, report, summary, a new backup, the alerts' morning digests, and the backup
    again with what was sent. A step that fails (but the digests') sends the data team one
    message naming it."""
    from retailinsight import nuit

    for etape in nuit.etapes(dossier):
        commande = ([sys.executable, *etape[1:]] if etape[0] == "python"
                    else [_dbt(), *etape[1:]])
        console.print(f"== {' '.join(etape)}", markup=False, highlight=False)
        code = _executer(commande)
        if code != 0:
            console.print(f"error: the nightly run stopped at `{' '.join(etape)}` (exit {code})",
                          markup=False, highlight=False)
            if not nuit.est_envoi_des_digests(etape):
                # One message to the data team instead of the digests (once a night).
                _executer([sys.executable, "-m", "retailinsight.alertes", "echec", "--etape",
                           " ".join(etape), "--code", str(code)])
            _terminer(code)


@app.command(context_settings=PASSER, epilog=CODES)
def bench(ctx: typer.Context):
    """Run the benchmark; it rewrites BENCHMARKS.md.

    benchmarks.banc; arguments go to it (`bestmarket bench --tailles 10000`). Takes minutes
    to hours. Needs the development install (`make test` or `make lint` makes it): its floor
    script reads CSVs with DuckDB's encodings extension."""
    _terminer(_executer([sys.executable, "-m", "benchmarks.banc", *ctx.args],
                        cwd=reglages.RACINE))


@app.command(context_settings=PASSER, add_help_option=False, epilog=CODES)
def dbt(ctx: typer.Context):
    """Run dbt on the active environment's data.

    `bestmarket dbt ls -s marts`: every argument goes to dbt."""
    sys.exit(_executer([_dbt(), *ctx.args]))


def catalogues_manifeste(projet: Path) -> set[str] | None:
    """The catalogs the semantic manifest of `projet` names (None: no manifest)."""
    chemin = projet / "target" / "semantic_manifest.json"
    if not chemin.is_file():
        return None
    manifeste = json.loads(chemin.read_text(encoding="utf-8"))
    return {(modele.get("node_relation") or {}).get("database")
            for modele in manifeste.get("semantic_models", [])}


@app.command(context_settings=PASSER, add_help_option=False, epilog=CODES)
def mf(ctx: typer.Context):
    """Query the semantic layer (MetricFlow) on the active data.

    `bestmarket mf query --metrics nps --group-by metric_time__month`, whatever the warehouse
    file is called. MetricFlow reads the catalog (DuckDB's name for the warehouse: its
    file's stem) from the semantic manifest that dbt wrote at its last parse: when that names
    another warehouse, the project is parsed again first."""
    from retailinsight.rafraichir import environnement_dbt

    projet = Path(environnement_dbt()["DBT_PROJECT_DIR"])
    attendu = reglages.ENTREPOT.chemin().stem
    aide = not ctx.args or bool({"--help", "-h", "--version"} & set(ctx.args))
    if not aide and catalogues_manifeste(projet) != {attendu}:
        with _patience(f"dbt parse: the semantic manifest for the warehouse {attendu}"):
            code = _executer([_dbt(), "parse", "--quiet", "--target-path",
                              str(projet / "target")])
        if code != 0:
            _terminer(1)
    sys.exit(_executer([_mf(), *ctx.args]))


@env_app.command("use", epilog=CODES)
def env_use(
    nom: str = typer.Argument(..., metavar="NAME", help="environment name, e.g. reel"),
    dossier_brut: Optional[str] = typer.Option(None, "--raw-dir",
                                               help="its raw folder (needed to create it)"),
    entrepot: Optional[str] = typer.Option(None, "--warehouse",
                                           help="its warehouse file (default: "
                                                "warehouse/NAME.duckdb)"),
):
    """Choose the data every later command works on.

    The environment is created, or changed, by the paths given."""
    try:
        env = environnements.choisir(nom, environnements.depuis_ici(dossier_brut),
                                     environnements.depuis_ici(entrepot))
    except environnements.EnvironnementInconnu as erreur:
        console.print(f"error: {erreur}", markup=False, highlight=False)
        raise typer.Exit(2)
    if not env.dossier_brut.startswith("s3://") and \
            not (reglages.RACINE / env.dossier_brut).is_dir():
        console.print(f"warning: the raw folder {env.dossier_brut} does not exist (yet)",
                      markup=False, highlight=False)
    print(f"active environment: {env.nom} (raw folder {env.dossier_brut}, warehouse "
          f"{env.entrepot}; written to {environnements.fichier()})")


@env_app.command("list", epilog=CODES)
def env_list():
    """List the environments; the active one is marked *."""
    actif, connus = environnements.lire()
    tableau = Table("", "name", "raw folder", "warehouse", box=None)
    for nom, env in sorted(connus.items()):
        tableau.add_row("*" if nom == actif else "", nom, env.dossier_brut, env.entrepot)
    Console().print(tableau)


@env_app.command("show", epilog=CODES)
def env_show():
    """Show the environment in effect and every setting's value."""
    env = environnements.courant()
    print(f"environment: {env.nom}")
    # One line per setting, never wrapped: a path is read (and copied) whole.
    for reglage in reglages.TOUS:
        valeur = reglage.texte()
        if reglage.secret:
            valeur = "(set)" if valeur else "(not set)"
        print(f"{reglage.variable}={valeur}  # {reglage.aide}")


ETATS_ACQUITTEMENT = {"seen": "vue", "handled": "traitee"}


def _alertes(*arguments: str) -> None:
    from retailinsight import alertes

    _terminer(alertes.main([*arguments]))


@alertes_app.command("send", epilog=CODES)
def alerts_send(
    entrepot: Optional[Path] = _option_entrepot(),
    nuit_: Optional[str] = typer.Option(None, "--night", help="the night, YYYY-MM-DD "
                                        "(default: today, UTC); one digest per audience and night"),
    dossier: Optional[Path] = typer.Option(None, "--folder",
                                           envvar=reglages.ALERTES_DOSSIER.variable,
                                           help=f"{reglages.ALERTES_DOSSIER.aide} (default: "
                                                f"{reglages.ALERTES_DOSSIER.defaut})"),
):
    """Write each audience's digest and send those with something new.

    What the nightly runs after the refresh: new, closed and overdue alerts since the
    audience's previous digest. A rerun of the night sends nothing again."""
    arguments = ["--entrepot", str(_entrepot_existant(entrepot)), "envoyer"]
    arguments += ["--nuit", nuit_] if nuit_ else []
    arguments += ["--dossier", str(dossier)] if dossier else []
    _alertes(*arguments)


@alertes_app.command("test", epilog=CODES)
def alerts_test(a: Optional[List[str]] = typer.Option(
        None, "--to", help="recipient (repeatable; default: "
                           "BESTMARKET_ALERTES_DESTINATAIRES_EQUIPE_DATA)")):
    """Send a test message through the configured SMTP server."""
    _alertes("essai", *[x for adresse in a or [] for x in ("--a", adresse)])


@alertes_app.command("ack", epilog=CODES)
def alerts_ack(
    id_alerte: str = typer.Argument(..., metavar="ID", help="the alert (`bestmarket alerts "
                                                            "list`)"),
    par: str = typer.Option(..., "--by", help="who acknowledges"),
    etat: str = typer.Option(..., "--state", help="seen or handled"),
    note: str = typer.Option("", "--note", help="what was done"),
    entrepot: Optional[Path] = _option_entrepot(),
):
    """Mark an alert seen or handled (who, when, a note).

    A handled alert is never shown as overdue. Locked, as every write to the warehouse."""
    if etat not in ETATS_ACQUITTEMENT:
        console.print("error: --state is seen or handled", markup=False, highlight=False)
        raise typer.Exit(2)
    _alertes("--entrepot", str(_entrepot_existant(entrepot)), "acquitter", id_alerte,
             "--par", par, "--etat", ETATS_ACQUITTEMENT[etat], "--note", note)


@alertes_app.command("list", epilog=CODES)
def alerts_list(entrepot: Optional[Path] = _option_entrepot()):
    """List the open alerts with their state (new, seen, handled; overdue)."""
    from retailinsight import alertes
    from retailinsight.entrepot import connecter
    from retailinsight.resume import sans_controles

    with connecter(_entrepot_existant(entrepot)) as base:
        try:
            lignes = alertes.etat_alertes(base)
        except alertes.AlertesAbsentes as erreur:
            console.print(f"error: {erreur}", markup=False, highlight=False)
            raise typer.Exit(1)
    tableau = Table(box=None)
    tableau.add_column("id", no_wrap=True)
    tableau.add_column("state", no_wrap=True)
    tableau.add_column("since", no_wrap=True)
    tableau.add_column("alert")
    for ligne in lignes:
        etat = ligne["etat"] + (" · overdue" if ligne["est_en_retard"] else "")
        depuis = ligne["date_ouverture"].strftime("%Y-%m-%d %H:%M") if ligne[
            "date_ouverture"] else "—"
        tableau.add_row(sans_controles(ligne["id_alerte"]), etat, depuis,
                        sans_controles(ligne["message"] or ""))
    Console().print(tableau if lignes else "no open alert")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
