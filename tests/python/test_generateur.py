"""The synthetic sample generator: formats, distributions, determinism, bounded memory."""

import datetime as dt
import hashlib
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from support.chemins import ECHANTILLON, RACINE
from support.lecture import lire_csv
from retailinsight.generateur import generer


def _empreintes(dossier: Path) -> dict:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(dossier.iterdir())}


def test_deterministe_avec_la_graine(tmp_path):
    generer(tmp_path / "a", 500, 7)
    generer(tmp_path / "b", 500, 7)
    generer(tmp_path / "c", 500, 8)
    assert _empreintes(tmp_path / "a") == _empreintes(tmp_path / "b")
    assert _empreintes(tmp_path / "a")["retour_client.csv"] != \
        _empreintes(tmp_path / "c")["retour_client.csv"]


def test_echantillon_livre_est_la_sortie_du_generateur(tmp_path):
    generer(tmp_path / "echantillon", 3000, 42)
    csv_attendus = {k: v for k, v in _empreintes(tmp_path / "echantillon").items()
                    if k.endswith(".csv")}
    csv_livres = {k: v for k, v in _empreintes(ECHANTILLON).items() if k.endswith(".csv")}
    assert csv_livres == csv_attendus


def test_format_des_exports(tmp_path):
    generer(tmp_path, 300, 1)
    for nom, nb_champs in [("retour_client.csv", 8), ("produit.csv", 3), ("ref_magasin.csv", 7)]:
        octets = (tmp_path / nom).read_bytes()
        assert octets.endswith(b"\r\n")
        assert octets.count(b"\n") == octets.count(b"\r\n"), "every line ends in CRLF"
        assert not octets.startswith(b"\xef\xbb\xbf"), "no BOM"
        octets.decode("cp1252")
        lignes = lire_csv(tmp_path / nom)
        assert all(len(ligne) == nb_champs for ligne in lignes)
        assert not lignes[0][0].isalpha(), "no header line"
    assert "œ".encode("cp1252") in (tmp_path / "produit.csv").read_bytes()
    with sqlite3.connect(tmp_path / "Satisfaction.db") as base:
        tables = {t for (t,) in base.execute("select name from sqlite_master where type='table'")}
    assert {"retour_client", "produit", "ref_magasin"} <= tables


def test_distributions_realistes():
    retours = lire_csv(ECHANTILLON / "retour_client.csv")
    with sqlite3.connect(ECHANTILLON / "Satisfaction.db") as base:
        retours += [[str(v) for v in ligne]
                    for ligne in base.execute("select * from retour_client")]
    uniques = {ligne[0]: ligne for ligne in retours}.values()
    assert 2500 <= len(uniques) <= 5000
    notes = Counter(int(ligne[1]) for ligne in uniques)
    assert notes.most_common(1)[0][0] in (8, 9)
    moyenne = sum(n * c for n, c in notes.items()) / len(uniques)
    assert 6.5 <= moyenne <= 8.5
    inconnues = sum(1 for ligne in uniques if ligne[7] == "") / len(uniques)
    assert 0.15 <= inconnues <= 0.25
    dates = sorted(dt.date.fromisoformat(ligne[4]) for ligne in uniques)
    assert (dates[-1] - dates[0]).days >= 365
    assert {ligne[5] for ligne in uniques} == {"email", "réseaux sociaux", "téléphone"}
    assert {ligne[6] for ligne in uniques} == {"drive", "expérience en magasin", "livraison",
                                               "qualité produit", "service après-vente"}
    magasins = lire_csv(ECHANTILLON / "ref_magasin.csv")
    assert len(magasins) == 84
    assert {ligne[1] for ligne in magasins} == {"75", "77", "78", "91", "92", "93", "94", "95"}
    produits = lire_csv(ECHANTILLON / "produit.csv")
    assert len(produits) == 145
    assert {ligne[1] for ligne in produits} == {"Alimentaire", "High-Tech", "Loisirs", "Maison"}
    assert any("œ" in ligne[2] for ligne in produits)
    assert any(c in "".join(l[2] for l in produits) for c in "éèàâ")


def test_memoire_bornee(tmp_path):
    """Memory does not grow with the row count: 100k and 400k rows (2 and 8 chunks of
    TAILLE_LOT) peak at about the same resident size. Each is generated in a process of its
    own, which reports its peak (VmHWM: the address space exec gave it, not its parent's)."""
    pics = []
    for nb in (100_000, 400_000):
        resultat = subprocess.run(
            [sys.executable, "-c", "import re, sys; from retailinsight.generateur import generer; "
             "generer(sys.argv[1], int(sys.argv[2]), 3); print(re.search(r'VmHWM:\\s+(\\d+) kB', "
             "open('/proc/self/status').read()).group(1))", str(tmp_path / str(nb)), str(nb)],
            cwd=RACINE, capture_output=True, text=True, check=True)
        pics.append(int(resultat.stdout.split()[-1]) * 1024)
    assert len(lire_csv(tmp_path / "400000" / "retour_client.csv")) > 100_000
    assert pics[1] < pics[0] * 1.25 + 5_000_000, pics
    assert pics[1] < 150_000_000, pics
