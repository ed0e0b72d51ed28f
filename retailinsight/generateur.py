"""Synthetic BestMarket raw folder, in exactly the formats the business exports.

Writes `Satisfaction.db` (SQLite: retour_client, produit, ref_magasin) and the CSV exports
`retour_client.csv`, `produit.csv`, `ref_magasin.csv` (no header, `;`, CRLF, Windows-1252,
empty field = unknown). Deterministic for a given seed; rows are streamed in chunks, so memory
stays bounded at any row count (tens of millions included).

Feedback rows are split between the two exports with an overlap: a row goes to the CSV, to the
database, or to both (identical content), as happens when two exports cover the same period.

    python -m retailinsight.generateur --sortie data/echantillon --lignes 3000 --graine 42
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
from pathlib import Path

from retailinsight import reglages
from retailinsight.referentiel import DEPARTEMENTS, produits

SOURCES = ["email", "réseaux sociaux", "téléphone"]
POIDS_SOURCES = [35, 33, 32]
CATEGORIES = ["drive", "expérience en magasin", "livraison", "qualité produit",
              "service après-vente"]
POIDS_CATEGORIES = [20, 19, 21, 20, 20]
# Notes 0..10, skewed high with a mode at 8.
POIDS_NOTES = [3, 1, 2, 2, 3, 5, 7, 14, 24, 21, 18]
PART_RECOMMANDATION_INCONNUE = 0.2
DATE_DEBUT = dt.date(2021, 1, 1)
DATE_FIN = dt.date(2022, 3, 31)
# Share of rows written to the CSV only, to both exports, and (the rest) to the database only.
PART_CSV_SEULEMENT = 0.4
PART_LES_DEUX = 0.2
TAILLE_LOT = 50_000
# Keys are an affine permutation of the row index: unique, unordered, nothing stored.
_MODULE_CLE = 2_147_483_647  # a prime larger than any row count we generate
_MULTIPLICATEUR_CLE = 48_271


def cle_retour_client(index: int, graine: int) -> int:
    """Random-looking, unique key for the feedback number `index` (0-based)."""
    return (index * _MULTIPLICATEUR_CLE + 100_000 + graine * 7_919) % _MODULE_CLE + 1


def magasins(graine: int):
    """Return the 84 stores as tuples in `ref_magasin` column order (all values as text)."""
    rng = random.Random(graine)
    lignes = []
    ref = 0
    for code, (_nom, lat, lon, communes) in DEPARTEMENTS.items():
        for numero, commune in enumerate(communes, start=1):
            ref += 1
            lignes.append((
                str(ref), code, f"{code}{100 + numero * 7:03d}", commune,
                str(rng.randint(4_000, 120_000)),
                repr(round(lat + rng.uniform(-0.12, 0.12), 12)),
                repr(round(lon + rng.uniform(-0.15, 0.15), 12)),
            ))
    return lignes


def _csv_ligne(valeurs) -> bytes:
    texte = ";".join("" if v is None else str(v) for v in valeurs)
    return (texte + "\r\n").encode("cp1252")


def _retours(nb_lignes: int, graine: int, nb_produits: int, nb_magasins: int):
    """Yield (destination, row) for every feedback; destination in {'csv', 'db', 'both'}."""
    rng = random.Random(graine)
    nb_jours = (DATE_FIN - DATE_DEBUT).days + 1
    notes = range(11)
    for index in range(nb_lignes):
        note = rng.choices(notes, POIDS_NOTES)[0]
        if rng.random() < PART_RECOMMANDATION_INCONNUE:
            recommandation = ""
        else:
            recommandation = "1" if rng.random() < 0.15 + 0.08 * note else "0"
        ligne = (
            cle_retour_client(index, graine),
            note,
            rng.randint(1, nb_produits),
            rng.randint(1, nb_magasins),
            (DATE_DEBUT + dt.timedelta(days=rng.randrange(nb_jours))).isoformat(),
            rng.choices(SOURCES, POIDS_SOURCES)[0],
            rng.choices(CATEGORIES, POIDS_CATEGORIES)[0],
            recommandation,
        )
        tirage = rng.random()
        if tirage < PART_CSV_SEULEMENT:
            destination = "csv"
        elif tirage < PART_CSV_SEULEMENT + PART_LES_DEUX:
            destination = "both"
        else:
            destination = "db"
        yield destination, ligne


def generer(sortie: Path, nb_lignes: int = reglages.GENERATEUR_LIGNES,
            graine: int = reglages.GENERATEUR_GRAINE, ref_magasin_sqlite: bool = True,
            avancement=None) -> dict:
    """Write a raw folder into `sortie`; return the number of rows written per file.
    `avancement(n)`, if given, is called with the number of feedbacks written so far, once
    per batch and at the end."""
    sortie = Path(sortie)
    sortie.mkdir(parents=True, exist_ok=True)
    liste_produits = [(str(i), typo, titre) for i, (typo, titre) in enumerate(produits(), 1)]
    liste_magasins = magasins(graine)

    chemin_db = sortie / "Satisfaction.db"
    if chemin_db.exists():
        chemin_db.unlink()
    base = sqlite3.connect(chemin_db)
    base.executescript(
        """
        create table produit (cle_produit int primary key, typologie_produit char(50),
                              titre_produit char(50));
        create table retour_client (cle_retour_client int primary key, note int,
            cle_produit int, ref_magasin int, date_achat date, libelle_source char(50),
            libelle_categorie char(50), recommandation char);
        """
    )
    base.executemany("insert into produit values (?, ?, ?)",
                     [(int(c), t, p) for c, t, p in liste_produits])
    if ref_magasin_sqlite:
        base.execute("create table ref_magasin (ref_magasin, departement, departement_commune,"
                     " libelle_de_commune, population, latitude, longitude)")
        base.executemany("insert into ref_magasin values (?, ?, ?, ?, ?, ?, ?)", liste_magasins)

    with open(sortie / "produit.csv", "wb") as fichier:
        for ligne in liste_produits:
            fichier.write(_csv_ligne(ligne))
    with open(sortie / "ref_magasin.csv", "wb") as fichier:
        for ligne in liste_magasins:
            fichier.write(_csv_ligne(ligne))
    # The monthly NPS targets the business maintains beside the exports (`AAAA-MM;objectif`):
    # 2021 only, so that later months show the last target carried forward.
    with open(sortie / "objectifs_nps.csv", "wb") as fichier:
        for numero_mois in range(1, 13):
            fichier.write(_csv_ligne((f"2021-{numero_mois:02d}", 30)))

    compte = {"retour_client.csv": 0, "Satisfaction.db:retour_client": 0}
    lot = []
    with open(sortie / "retour_client.csv", "wb", buffering=1 << 20) as fichier:
        for numero, (destination, ligne) in enumerate(
                _retours(nb_lignes, graine, len(liste_produits), len(liste_magasins)), 1):
            if avancement is not None and numero % TAILLE_LOT == 0:
                avancement(numero)
            if destination in ("csv", "both"):
                fichier.write(_csv_ligne(ligne))
                compte["retour_client.csv"] += 1
            if destination in ("db", "both"):
                lot.append(ligne)
                if len(lot) >= TAILLE_LOT:
                    base.executemany("insert into retour_client values (?,?,?,?,?,?,?,?)", lot)
                    compte["Satisfaction.db:retour_client"] += len(lot)
                    lot = []
    if lot:
        base.executemany("insert into retour_client values (?,?,?,?,?,?,?,?)", lot)
        compte["Satisfaction.db:retour_client"] += len(lot)
    base.commit()
    base.close()
    if avancement is not None:
        avancement(nb_lignes)
    compte["produit.csv"] = len(liste_produits)
    compte["ref_magasin.csv"] = len(liste_magasins)
    return compte


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sortie", default=reglages.GENERATEUR_SORTIE,
                        help="folder to write (created if needed)")
    parser.add_argument("--lignes", type=int, default=reglages.GENERATEUR_LIGNES,
                        help="number of distinct feedbacks")
    parser.add_argument("--graine", type=int, default=reglages.GENERATEUR_GRAINE,
                        help="random seed")
    parser.add_argument("--sans-ref-magasin-sqlite", action="store_true",
                        help="leave the ref_magasin table out of Satisfaction.db")
    args = parser.parse_args(argv)
    compte = generer(Path(args.sortie), args.lignes, args.graine,
                     not args.sans_ref_magasin_sqlite)
    for nom, nombre in compte.items():
        print(f"{nom}: {nombre} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
