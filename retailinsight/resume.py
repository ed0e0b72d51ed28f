"""Short summary of a built warehouse, printed after the main job.

Reads the warehouse with a plain DuckDB client (read-only, no extension), as an analyst would.

    python -m retailinsight.resume [--entrepot warehouse/bestmarket.duckdb]
"""

from __future__ import annotations

import argparse
import re

from retailinsight import reglages
from retailinsight.entrepot import connecter

CONTROLES = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def sans_controles(texte: str) -> str:
    """`texte` with its control characters written as `\\xNN`: a label from the data never
    drives the terminal (escape sequences) when printed."""
    return CONTROLES.sub(lambda m: f"\\x{ord(m.group()):02x}", texte)


def tableau(titre: str, colonnes: list[str], lignes: list[tuple]) -> str:
    """Plain-text table with a title, columns aligned; decimals rounded for display only."""
    def texte(valeur, signe=False):
        if valeur is None:
            return "—"
        if isinstance(valeur, float):
            return f"{valeur:+.1f}" if signe else f"{valeur:.1f}"
        return sans_controles(str(valeur))

    numeriques = [bool(lignes) and all(isinstance(ligne[i], (int, float)) or ligne[i] is None
                                       for ligne in lignes) for i in range(len(colonnes))]
    cellules = [colonnes] + [[texte(v, c in ("NPS", "change")) for v, c in zip(ligne, colonnes)]
                             for ligne in lignes]
    largeurs = [max(len(ligne[i]) for ligne in cellules) for i in range(len(colonnes))]
    sortie = [titre, "-" * len(titre)]
    for numero, ligne in enumerate(cellules):
        sortie.append("  ".join(c.rjust(l) if num else c.ljust(l)
                                for c, l, num in zip(ligne, largeurs, numeriques)).rstrip())
        if numero == 0:
            sortie.append("  ".join("-" * l for l in largeurs))
    return "\n".join(sortie)


def resume(entrepot: str) -> str:
    with connecter(entrepot) as base:
        def lignes(sql):
            return base.execute(sql).fetchall()

        parties = [tableau(
            "Raw rows reconciled (raw = kept + merged duplicates + rejected + excluded by the "
            "GDPR register)",
            ["file", "raw", "kept", "duplicates", "rejected", "excluded"],
            lignes("select * from marts.rapprochement_lignes_brutes order by fichier_source"),
        ), tableau(
            "Warehouse",
            ["table", "rows"],
            lignes("""
                select 'fct_retour_client', count(*) from marts.fct_retour_client
                union all select 'dim_produit', count(*) from marts.dim_produit
                union all select 'dim_magasin', count(*) from marts.dim_magasin
                union all select 'fct_ligne_rejetee', count(*) from marts.fct_ligne_rejetee
            """),
        )]
        parties.append(tableau(
            "Share of recommendations (q01; unknown answers left out of the share)",
            ["% yes", "yes", "no", "unknown"],
            lignes("select pct_recommandation, nb_oui, nb_non, nb_inconnu "
                   "from answers.part_recommandation_client"),
        ))
        colonnes_nps = ["NPS", "± 95 %", "responses", "% promoters", "% passives",
                        "% detractors"]
        select_nps = ("nps, marge_erreur_95, nb_reponses, pct_promoteurs, pct_passifs, "
                      "pct_detracteurs")
        parties.append(tableau("NPS global (q17)", colonnes_nps,
                               lignes(f"select {select_nps} from answers.nps_global")))
        parties.append(tableau("NPS by source (q18)", ["source"] + colonnes_nps, lignes(
            f"select libelle_source, {select_nps} from answers.nps_par_source order by 1")))
        parties.append(tableau(
            "NPS by month (q19; * = change larger than its margin of error)",
            ["month"] + colonnes_nps + ["change", "", "best/worst"],
            lignes(f"""
                select strftime(mois, '%Y-%m'), {select_nps}, variation_nps,
                    case when est_variation_significative then '*' else '' end,
                    case when est_meilleur_mois then 'best'
                         when est_pire_mois then 'worst' else '' end
                from answers.nps_par_mois order by mois
            """)))
        rejets = lignes("select table_cible, split_part(motif_rejet, ':', 1), count(*) "
                        "from intermediate.int_ligne_rejetee group by all order by 3 desc, 1, 2")
        if rejets:
            parties.append(tableau("Quarantine of this refresh, by reason (rows set aside; "
                                   "details in marts.fct_ligne_rejetee)",
                                   ["table", "reason", "rows"], rejets))
        nouveaux = lignes("""
            select domaine, libelle, count(*) from (
                select 'source' as domaine, libelle_source as libelle
                from marts.fct_retour_client
                union all
                select 'categorie', libelle_categorie from marts.fct_retour_client) as l
            where not exists (select 1 from reference.libelles_reference as r
                              where r.domaine = l.domaine and r.libelle = l.libelle)
            group by all order by 1, 2""")
        if nouveaux:
            parties.append(tableau("New labels, kept and answered under their own name "
                                   "(review them into seeds/libelles_reference.csv)",
                                   ["kind", "label", "feedbacks"], nouveaux))
        if not lignes("select count(*) from marts.fct_retour_client")[0][0]:
            parties.insert(0, "THE WAREHOUSE HOLDS NO FEEDBACK: every answer below is empty "
                              "(the exports hold none, or a purge removed them all).")
    return "\n\n".join(parties)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepot", default=str(reglages.ENTREPOT.chemin()))
    args = parser.parse_args(argv)
    print(resume(args.entrepot))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
