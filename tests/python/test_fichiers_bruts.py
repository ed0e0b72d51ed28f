"""Raw exports that are what they claim: regular files of the raw folder only, no NUL byte, no
line long enough for DuckDB's error to quote it into dbt's logs and run results."""

from __future__ import annotations

import os

import pytest

from support.chemins import ECHANTILLON
from support.commandes import INGESTION, lancer_dbt
from support.projet import copier_dossier

import retailinsight.dbt_plugin as plugin


def _build_refuse(brut, tmp_path, *mots):
    """An ingestion build on `brut` fails, its output naming every one of `mots`; return the
    text of everything it wrote (output, dbt's log, run results)."""
    entrepot = tmp_path / "w" / "w.duckdb"
    resultat = lancer_dbt("build", *INGESTION, dossier_brut=brut, entrepot=entrepot,
                          verifier=False)
    assert resultat.returncode != 0, resultat.stdout[-2000:]
    for mot in mots:
        assert mot in resultat.stdout, resultat.stdout[-3000:]
    ecrits = [resultat.stdout, resultat.stderr]
    for dossier in (entrepot.parent / "logs", entrepot.parent / "target"):
        if dossier.is_dir():
            ecrits += [f.read_text(errors="replace") for f in dossier.rglob("*")
                       if f.is_file() and f.suffix in (".log", ".json")]
    return "\n".join(ecrits)


@pytest.mark.parametrize("cible", ["/proc/self/environ", "lien-relatif"])
def test_un_fichier_brut_lien_symbolique_est_refuse(tmp_path, cible):
    """`produit.csv` as a link to /proc/self/environ (or to another file) is refused with an
    error naming it: no file outside the raw folder is ever read into the warehouse."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    (brut / "produit.csv").rename(tmp_path / "vrai-produit.csv")
    os.symlink(cible if cible.startswith("/") else tmp_path / "vrai-produit.csv",
               brut / "produit.csv")
    sortie = _build_refuse(brut, tmp_path, "produit.csv", "symbolic link")
    assert "BESTMARKET_" not in sortie.replace("BESTMARKET_RAW_DIR", "")


def test_le_dossier_brut_peut_etre_un_lien(tmp_path):
    """The raw folder itself may be a link (a mount point, say): only its files are checked."""
    lien = tmp_path / "lien"
    os.symlink(ECHANTILLON, lien)
    assert plugin.verifier_dossier_brut(lien) == lien
    dossier = copier_dossier(ECHANTILLON, tmp_path / "dossier")
    (dossier / "produit.csv").unlink()
    (dossier / "produit.csv").mkdir()
    with pytest.raises(plugin.FichierBrutInvalide, match="not a regular file"):
        plugin.verifier_dossier_brut(tmp_path / "dossier")


def test_une_ligne_trop_longue_n_est_jamais_citee(tmp_path):
    """A 2.1 MB line stops the build naming the file and the line, and neither the output nor
    dbt's log nor its run results quote more than a short excerpt of it."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    ligne = "900001;8;" + "secret-" * 300_000
    with open(brut / "retour_client.csv", "ab") as flux:
        flux.write(ligne.encode("cp1252") + b"\r\n")
    nombre = (brut / "retour_client.csv").read_bytes().count(b"\n")
    sortie = _build_refuse(brut, tmp_path, "retour_client.csv", f"line {nombre}")
    assert ligne[100:300] not in sortie


@pytest.mark.parametrize("octets, attendu", [
    (b"1;2\n" * 3 + b"9" * (plugin.LONGUEUR_LIGNE_MAX + 1) + b"\n", "line 4: over"),
    (b"1;2\n" + b"z" * (plugin.LONGUEUR_LIGNE_MAX + 1), "line 2: over"),
    (b"1;2\r\n" * 5 + b"ca\x00t\r\n", "line 6: holds a NUL byte"),
    (b"1;\x1b[31m" + b"x" * plugin.LONGUEUR_LIGNE_MAX + b"\n", "'1;\\x1b[31mxxx"),
], ids=["longue-au-milieu", "longue-a-la-fin", "nul", "echappement"])
@pytest.mark.parametrize("bloc", [1 << 23, 1000])
def test_le_premier_passage_refuse_nul_et_lignes_trop_longues(tmp_path, monkeypatch, octets,
                                                            attendu, bloc):
    """On literal bytes, whatever the block size of the pass: the line named is the right one,
    the excerpt is short and its control characters escaped; a file without fault passes."""
    monkeypatch.setattr(plugin, "TAILLE_BLOC", bloc)
    fichier = tmp_path / "export.csv"
    fichier.write_bytes(octets)
    with pytest.raises(plugin.FichierBrutInvalide) as erreur:
        plugin.encodage_csv(fichier)
    assert attendu in str(erreur.value) and len(str(erreur.value)) < 300
    fichier.write_bytes(b"1;2\r\n" * 5000 + b"x" * (plugin.LONGUEUR_LIGNE_MAX - 2) + b"\r\n")
    assert plugin.encodage_csv(fichier) == "latin-1"


def test_le_premier_passage_ne_decoupe_pas_les_lignes(tmp_path):
    """The first pass looks for long lines without making an object per line: on an export of
    many short lines it holds about two blocks, not a list of its lines (a 1 GB export of
    short lines would otherwise need gigabytes and half a minute)."""
    import tracemalloc

    fichier = tmp_path / "export.csv"
    fichier.write_bytes(b"1\n" * plugin.TAILLE_BLOC)  # two blocks of 2-byte lines
    tracemalloc.start()
    try:
        assert plugin.encodage_csv(fichier) == "latin-1"
        pic = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pic < 3 * plugin.TAILLE_BLOC, f"{pic / 2 ** 20:.0f} MiB held"


@pytest.mark.parametrize("nom", plugin.FICHIERS_BRUTS)
def test_chaque_fichier_brut_lien_ou_fifo_refuse(tmp_path, nom):
    """Every raw file, the CRM database included: a link, even to a copy of the right file, is
    refused naming it, and so is a named pipe (which would block the first read)."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    fichier = brut / nom
    fichier.rename(tmp_path / nom)
    fichier.symlink_to(tmp_path / nom)
    with pytest.raises(plugin.FichierBrutInvalide, match=f"{fichier} is a symbolic link"):
        plugin.verifier_dossier_brut(brut)
    fichier.unlink()
    os.mkfifo(fichier)
    with pytest.raises(plugin.FichierBrutInvalide, match=f"{fichier} is .*not a regular file"):
        plugin.verifier_dossier_brut(brut)


def test_fraicheur_par_un_dossier_brut_lien(tmp_path):
    """`dbt source freshness` (which reads each file's modification time through the raw
    folder the plugin names) works with the raw folder given as a link, the checks passed."""
    lien = tmp_path / "montage"
    lien.symlink_to(copier_dossier(ECHANTILLON, tmp_path / "brut"))
    resultat = lancer_dbt("source", "freshness", dossier_brut=lien,
                          entrepot=tmp_path / "w" / "w.duckdb", verifier=False)
    assert resultat.stdout.count(" freshness of ") == 14, resultat.stdout[-3000:]
    assert "ERROR freshness" not in resultat.stdout and "Runtime Error" not in resultat.stdout


def test_un_libelle_ne_pilote_pas_le_terminal(tmp_path):
    """A source label carrying a terminal escape sequence is printed by dbt's warning with its
    control characters shown as `?`, never raw."""
    brut = copier_dossier(ECHANTILLON, tmp_path / "brut")
    with open(brut / "retour_client.csv", "ab") as flux:
        flux.write("900077;8;24;28;2021-04-30;e\x1b[31mmail;drive;1\r\n".encode("cp1252"))
    resultat = lancer_dbt("build", *INGESTION, dossier_brut=brut,
                          entrepot=tmp_path / "w" / "w.duckdb")
    assert "new source label 'e?[31mmail'" in resultat.stdout, resultat.stdout[-3000:]
    assert "\x1b[31m" not in resultat.stdout
