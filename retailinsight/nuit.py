"""Preconditions of the nightly run, checked before its first step that changes anything.

    python -m retailinsight.nuit [--sauvegardes cache-chiffre]

Refuses (exit 2, every problem named, nothing changed) when:
- the backup key is missing, too weak or shared with an audience (the night ends with a
  backup: a key found missing then would come after the purge);
- an SMTP server is set for the digests without its login or password;
- the raw folder is incomplete or holds a file that is not a regular file of it (or, for a
  bucket prefix, an object is missing or the bucket refuses the credentials);
- a folder the night writes is not writable, or its disk has less free space than the night
  needs (2.5 times the warehouse or the raw folder, whichever is larger); a bucket prefix the
  night writes its state to cannot be listed (its local copy counts in the temporary
  folder's space);
- the retention purge would remove more than BESTMARKET_PURGE_PART_MAX (default 20 %) of
  the feedback, in the exports the night loads or in the warehouse: a first night on old
  exports would otherwise load every feedback and purge it all, night after night. To purge
  that much on purpose, set BESTMARKET_PURGE_PART_MAX=1 for that night.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import tempfile

from retailinsight import alertes, reglages, rgpd, sauvegarde, stockage
from retailinsight.dbt_plugin import FichierBrutInvalide, verifier_dossier_brut
from retailinsight.reglages import chemin_entrepot

MARGE_ESPACE = 2.5


def _existant(chemin: Path) -> Path:
    """`chemin`, or its nearest ancestor that exists (where a new folder would be made)."""
    chemin = chemin.resolve()
    while not chemin.exists():
        chemin = chemin.parent
    return chemin


def _taille(chemin) -> int:
    if isinstance(chemin, stockage.Objet):
        return sum(m["Size"] for m in stockage.lister(chemin).values())
    if chemin.is_file():
        return chemin.stat().st_size
    return sum(f.stat().st_size for f in chemin.rglob("*") if f.is_file()) \
        if chemin.is_dir() else 0


def part_purgee_brute(dossier: Path, limite: dt.date) -> tuple[int, int, list[tuple[str, int]]]:
    """(feedback lines bought before `limite`, feedback lines with a date, [(month, lines)])
    of the raw exports, every line read as the purge reads it."""
    anciens, total = collections.Counter(), 0

    def compter(cle, date):
        nonlocal total
        total += date is not None
        if date is not None and date < limite.isoformat():
            anciens[date[:7]] += 1
        return False

    rgpd._traces_brutes(dossier, compter)  # one pass over the exports
    vieilles = sum(anciens.values())
    return vieilles, total, sorted(anciens.items())


def problemes(entrepot: Path, dossier_brut, sauvegardes, mois: int,
              part_max: float, date_reference: dt.date | None = None) -> list[str]:
    """Every reason the night must not start; empty when it may."""
    trouves = list(alertes.problemes_configuration())
    try:
        sauvegarde.cles()
    except sauvegarde.CleInvalide as erreur:
        trouves.append(str(erreur))
    try:
        verifier_dossier_brut(dossier_brut)
    except FichierBrutInvalide as erreur:
        trouves.append(str(erreur))
        dossier_brut = None
    besoin = MARGE_ESPACE * max(_taille(entrepot), _taille(dossier_brut) if dossier_brut else 0)
    ecrits = [entrepot.parent, sauvegardes, Path("rapport"), Path("target")]
    if isinstance(sauvegardes, stockage.Objet):
        try:
            stockage.verifier_acces(sauvegardes)
        except stockage.StockageInaccessible as erreur:
            trouves.append(f"the night's state cannot be kept: {erreur}")
        ecrits[1] = Path(tempfile.gettempdir())  # where its local copy is made
    for dossier in ecrits:
        existant = _existant(dossier)
        if not os.access(existant, os.W_OK | os.X_OK):
            trouves.append(f"{dossier} cannot be written ({existant} is not writable)")
        elif shutil.disk_usage(existant).free < besoin:
            trouves.append(f"not enough free space for {dossier}: "
                           f"{shutil.disk_usage(existant).free / 1e6:,.0f} MB free, the night "
                           f"needs about {besoin / 1e6:,.0f} MB")
    limite = rgpd.mois_retranches(date_reference or dt.date.today(), mois)
    bilans = []
    if dossier_brut:
        vieilles, total, par_mois = part_purgee_brute(dossier_brut, limite)
        bilans.append((f"the exports of {dossier_brut}", vieilles, total, par_mois))
    if entrepot.is_file():
        bilan = rgpd.bilan_purge(entrepot, limite)
        bilans.append((f"the warehouse {entrepot}", bilan["supprimees"], bilan["total"],
                       bilan["mois"]))
    for ou, vieilles, total, par_mois in bilans:
        if total and vieilles / total > part_max:
            mois_cites = ", ".join(f"{m} ({n})" for m, n in par_mois[:12])
            trouves.append(
                f"the retention purge ({mois} months: feedback bought before {limite}) would "
                f"remove {vieilles / total:.0%} of the feedback of {ou} ({vieilles} of {total} "
                f"rows; months: {mois_cites}{', …' if len(par_mois) > 12 else ''}), more than "
                f"the allowed {part_max:.0%}: check BESTMARKET_RETENTION_MOIS and the exports; "
                "to purge that much on purpose, set BESTMARKET_PURGE_PART_MAX=1 for one night")
    return trouves


def etapes(sauvegardes: Path | str = reglages.SAUVEGARDES_NUIT) -> list[list[str]]:
    """The nightly run, step by step, as `make nightly` and the CI workflow run it (a test
    checks): `python` is this virtualenv's Python, `dbt` its dbt. The digests go after the
    refresh, the purge, the report and a first backup: a failure to send them fails the night
    loudly with the warehouse already refreshed and saved."""
    dossier = str(sauvegardes)
    return [
        ["python", "-m", "retailinsight.nuit", "--sauvegardes", dossier],
        ["python", "-m", "retailinsight.sauvegarde", "reprendre", "--dossier", dossier],
        ["dbt", "source", "freshness"],
        ["python", "-m", "retailinsight.rafraichir", "nuit"],
        ["python", "-m", "retailinsight.rgpd", "purger"],
        ["dbt", "docs", "generate"],
        ["python", "-m", "retailinsight.rapport"],
        ["python", "-m", "retailinsight.resume"],
        # The refreshed warehouse is saved before anything is sent, so that an SMTP server
        # down or a wrong password (the digests' step fails loudly) loses no night...
        ["python", "-m", "retailinsight.sauvegarde", "creer", "--dossier", dossier,
         "--garder", "1"],
        ["python", "-m", "retailinsight.alertes", "envoyer"],
        # ...and saved again once sent: the send log is in the warehouse, and the next night
        # (a CI runner restores the cache) must know what this one sent, not send it again.
        ["python", "-m", "retailinsight.sauvegarde", "creer", "--dossier", dossier,
         "--garder", "1"],
    ]


def est_envoi_des_digests(etape: list[str]) -> bool:
    """The step that sends the digests: when it fails, the SMTP server is the cause, and no
    message of failure could be sent either."""
    return etape[:3] == ["python", "-m", "retailinsight.alertes"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepot", type=Path, default=chemin_entrepot())
    parser.add_argument("--sauvegardes", type=str, default=reglages.SAUVEGARDES.texte(),
                        help="where the night writes its backup (a folder, or s3://bucket/prefix)")
    args = parser.parse_args(argv)
    if not args.sauvegardes:
        print(f"error: no place for the night's state (--sauvegardes is empty): set "
              f"{reglages.ETAT_NUIT.variable}", file=sys.stderr)
        return 2
    args.sauvegardes = stockage.emplacement(args.sauvegardes)
    trouves = problemes(args.entrepot, reglages.dossier_brut(), args.sauvegardes,
                        reglages.RETENTION_MOIS.entier(), reglages.PURGE_PART_MAX.decimal())
    if trouves:
        print("error: the nightly run stops before changing anything:", file=sys.stderr)
        for probleme in trouves:
            print(f"  - {probleme}", file=sys.stderr)
        return 2
    print("nightly preconditions hold: backup key, SMTP settings, raw folder, space, purge share")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
