"""The interactive report and the pages per département and store, in headless Chromium:
each filter changes the figure shown to what the models say, the CSV and Excel exports read
back with the models' figures and a label starting with '=' neutralised, a département's
pages name none of another département's stores, and screenshots at a laptop's and a phone's
width are kept (BESTMARKET_CAPTURES_DIR)."""

import csv
import io
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from support.chemins import ECHANTILLON
from support.commandes import lancer_module
from support.lecture import requete
from test_navigateur import ARGUMENTS, CAPTURES, CHROMIUM

# A category label a spreadsheet would run as a formula: it must come back as text.
PIEGE = "=SOMME(1;1)"


@pytest.fixture(scope="module")
def pages(entrepot_echantillon, tmp_path_factory) -> Path:
    """The report and the pages written from a copy of the sample's warehouse whose category
    « drive » is renamed PIEGE in the report's table (nothing else changes)."""
    dossier = tmp_path_factory.mktemp("rapport-interactif")
    copie = dossier / "entrepot.duckdb"
    shutil.copy(entrepot_echantillon, copie)
    with duckdb.connect(str(copie)) as base:
        base.execute("update rapport.agregats_rapport set libelle_categorie = ? "
                     "where libelle_categorie = 'drive'", [PIEGE])
    lancer_module("retailinsight.rapport", "--entrepot", copie, "--sortie",
                  dossier / "rapport" / "rapport_nps.html", dossier_brut=ECHANTILLON,
                  entrepot=copie)
    return dossier / "rapport"


@pytest.fixture(scope="module")
def navigateur():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `make test` installs Debian's chromium package")
    with sync_playwright() as moteur:
        chromium = moteur.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        yield chromium
        chromium.close()


def ouvrir(navigateur, chemin: Path, largeur: int = 1366):
    """A page opened from disk; its console errors and off-machine requests are collected."""
    page = navigateur.new_page(viewport={"width": largeur, "height": 900}, accept_downloads=True)
    page.erreurs, page.sorties = [], []
    page.on("console", lambda m: m.type == "error" and page.erreurs.append(m.text))
    page.on("pageerror", lambda e: page.erreurs.append(str(e)))
    page.on("request", lambda r: not r.url.startswith(("file:", "data:", "blob:", "about:"))
            and page.sorties.append(r.url))
    page.goto(chemin.as_uri(), wait_until="load")
    page.wait_for_function("document.getElementById('kpi-nps').textContent !== ''")
    return page


def nps_affiche(page) -> float | None:
    valeur = page.get_attribute("#kpi-nps", "data-valeur")
    return float(valeur) if valeur else None


def telecharger(page, selecteur: str) -> bytes:
    with page.expect_download() as telechargement:
        page.click(selecteur)
    return Path(telechargement.value.path()).read_bytes()


def test_chaque_filtre_donne_le_chiffre_du_modele(pages, navigateur, entrepot_echantillon):
    modele = lambda sql: requete(entrepot_echantillon, sql)  # noqa: E731
    page = ouvrir(navigateur, pages / "rapport_nps.html")
    assert nps_affiche(page) == pytest.approx(modele("select nps from answers.nps_global")[0][0],
                                              abs=1e-9)
    page.screenshot(path=str(CAPTURES / "rapport-interactif-1366.png"), full_page=True)
    attendus = [
        ("#filtre-departement", {"value": "75"},
         "select nps from rapport.nps_par_departement where code_departement = '75'"),
        ("#filtre-magasin", {"value": "12"},
         "select nps from rapport.nps_par_magasin where ref_magasin = 12"),
        ("#filtre-source", {"label": "email"},
         "select nps from answers.nps_par_source where libelle_source = 'email'"),
        ("#filtre-categorie", {"label": PIEGE},  # computed from the feedback rows themselves
         "select 100 * (count(*) filter (note >= 9) - count(*) filter (note <= 6)) / count(*) "
         "from marts.fct_retour_client where libelle_categorie = 'drive'"),
    ]
    for selecteur, choix, sql in attendus:
        page.click("#filtres-effacer")
        page.select_option(selecteur, **choix)
        assert nps_affiche(page) == pytest.approx(modele(sql)[0][0], abs=1e-9), selecteur
    # The period: one month, and its year-before beside it.
    page.click("#filtres-effacer")
    page.select_option("#filtre-debut", label="2022-03")
    page.select_option("#filtre-fin", label="2022-03")
    par_mois = dict(modele("select strftime(mois, '%Y-%m'), nps from answers.nps_par_mois"))
    assert nps_affiche(page) == pytest.approx(par_mois["2022-03"], abs=1e-9)
    assert float(page.get_attribute("#kpi-an-avant", "data-valeur")) == pytest.approx(
        par_mois["2021-03"], abs=1e-9)
    assert page.is_hidden("#bandeau-vide")
    # A store and a month without any feedback: the banner, no claim about the months.
    ref, mois = modele("""
        select m.ref_magasin, strftime(c.mois, '%Y-%m') from marts.dim_magasin m
        cross join (select distinct mois from rapport.agregats_rapport) c
        anti join rapport.agregats_rapport a on a.ref_magasin = m.ref_magasin and a.mois = c.mois
        order by all limit 1""")[0]
    page.select_option("#filtre-magasin", value=str(ref))
    page.select_option("#filtre-debut", label=mois)
    page.select_option("#filtre-fin", label=mois)
    assert page.is_visible("#bandeau-vide") and nps_affiche(page) is None
    assert "au moins 30 réponses" not in page.inner_text("main")
    assert page.erreurs == [] and page.sorties == []
    page.close()


def test_les_exports_se_relisent(pages, navigateur, entrepot_echantillon):
    from openpyxl import load_workbook

    page = ouvrir(navigateur, pages / "rapport_nps.html")
    departements = dict(requete(entrepot_echantillon,
                                "select code_departement, nps from rapport.nps_par_departement"))
    texte = telecharger(page, "#csv-departement").decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes[0][:4] == ["Code", "Département", "Retours", "Réponses"]
    colonne = lignes[0].index("NPS")
    assert {l[0]: float(l[colonne].replace(",", ".")) for l in lignes[1:]} == pytest.approx(
        departements, abs=0.05)
    classeur = load_workbook(io.BytesIO(telecharger(page, "#xlsx-departement")))
    feuille = [[c.value for c in ligne] for ligne in classeur.active.iter_rows()]
    assert feuille[0] == lignes[0]
    assert {l[0]: l[colonne] for l in feuille[1:]} == pytest.approx(departements, abs=1e-9)
    # The label starting with '=' is text behind an apostrophe, in the CSV and in Excel.
    categories = list(csv.reader(io.StringIO(telecharger(page, "#csv-categorie")
                                             .decode("utf-8-sig")), delimiter=";"))
    assert ["'" + PIEGE] == [l[0] for l in categories if PIEGE in l[0]]
    feuille = load_workbook(io.BytesIO(telecharger(page, "#xlsx-categorie"))).active
    cellules = [c for c in feuille["A"] if c.value and PIEGE in c.value]
    assert [(c.value, c.data_type) for c in cellules] == [("'" + PIEGE, "s")]
    # The filtered CSV follows the filters.
    page.select_option("#filtre-departement", value="75")
    filtre = list(csv.reader(io.StringIO(telecharger(page, "#csv-departement")
                                         .decode("utf-8-sig")), delimiter=";"))
    assert [l[0] for l in filtre[1:]] == ["75"]
    assert page.erreurs == []
    page.close()


def test_un_departement_ne_recoit_que_ses_magasins(pages, navigateur, entrepot_echantillon):
    magasins = requete(entrepot_echantillon,
                       "select ref_magasin, libelle_commune, code_departement from "
                       "marts.dim_magasin")
    dossiers = sorted(pages.glob("departement_*"))
    assert [d.name for d in dossiers] == sorted(f"departement_{c}" for c in
                                                 {m[2] for m in magasins})
    for dossier in dossiers:
        code = dossier.name.removeprefix("departement_")
        siens = {ref for ref, _, dep in magasins if dep == code}
        assert {p.name for p in dossier.glob("*.html")} == \
            {"index.html", *(f"magasin_{ref}.html" for ref in siens)}
        # A whole name, not part of another (Châtillon, 92, is in Viry-Châtillon, 91).
        autres = {nom: re.compile(rf"(?<![\w-]){re.escape(nom)}(?![\w-])")
                  for _, nom, dep in magasins if dep != code}
        for fichier in dossier.glob("*.html"):
            texte = fichier.read_text(encoding="utf-8")
            assert [nom for nom, motif in autres.items()
                    if nom in texte and motif.search(texte)] == [], fichier
    # One département's page and one store's, opened: their NPS is the model's.
    code, ref = "92", min(ref for ref, _, dep in magasins if dep == "92")
    page = ouvrir(navigateur, pages / f"departement_{code}" / "index.html")
    assert nps_affiche(page) == pytest.approx(requete(
        entrepot_echantillon, f"select nps from rapport.nps_par_departement "
                              f"where code_departement = '{code}'")[0][0], abs=1e-9)
    assert float(page.get_attribute("#kpi-reseau", "data-valeur")) == pytest.approx(
        requete(entrepot_echantillon, "select nps from answers.nps_global")[0][0], abs=1e-9)
    page.screenshot(path=str(CAPTURES / f"departement-{code}-1366.png"), full_page=True)
    assert page.erreurs == [] and page.sorties == []
    page.close()
    page = ouvrir(navigateur, pages / f"departement_{code}" / f"magasin_{ref}.html", 390)
    assert nps_affiche(page) == pytest.approx(requete(
        entrepot_echantillon, f"select nps from rapport.nps_par_magasin "
                              f"where ref_magasin = {ref}")[0][0], abs=1e-9)
    assert "Place dans le réseau" in page.inner_text("main")
    page.screenshot(path=str(CAPTURES / f"magasin-{ref}-390.png"), full_page=True)
    assert page.erreurs == [] and page.sorties == []
    page.close()


def test_rapport_lisible_sur_un_telephone(pages, navigateur):
    """At 390 px: no chart wider than the screen, the provenance named on the page."""
    page = ouvrir(navigateur, pages / "rapport_nps.html", 390)
    largeurs = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                             ".map(e => e.getBoundingClientRect().right)")
    assert largeurs and max(largeurs) <= 390
    assert "dossier brut echantillon" in page.inner_text("#provenance")
    page.screenshot(path=str(CAPTURES / "rapport-interactif-390.png"), full_page=True)
    assert page.erreurs == []
    page.close()
