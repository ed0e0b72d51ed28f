"""The order that balances the long tests over the two pytest-xdist workers.

pytest-xdist's `worksteal` hands each worker one contiguous half of the list, then moves
queued tests from the busier one: each half gets about the same share of the long tests,
longest first, so that neither worker is left with a long test once the other has nothing
more to do.
"""

# Seconds that the longest tests take here (their shared warehouses included), measured; the
# others count as one.
DUREES = {"test_la_nuit_envoie_les_digests_une_fois_et_echoue_fort": 150,
          "test_visite_du_readme": 88,
          "test_jour_par_jour_egal_au_rafraichissement_complet": 49,
          "test_apostrophes_dans_les_chemins": 28,
          "test_rafraichissement_interrompu_laisse_l_etat_precedent": 17,
          "test_purge_des_lignes_sans_date_lisible": 17, "test_purge_de_retention": 16,
          "test_deuxieme_passage_ne_change_rien": 16, "test_fichiers_publies_apres_effacement": 15,
          "test_effacement_de_toutes_les_formes_brutes": 12,
          "test_ligne_modifiee_mise_a_jour_et_historisee": 12,
          "test_retour_supprime_a_la_source_quitte_le_fait": 11,
          "test_historique_produit_renomme_et_magasin_demenage": 11,
          "test_deux_rafraichissements_simultanes": 10, "test_verrou_tenu_tant_que_dbt_tourne": 10,
          "test_note_moyenne_par_typologie_et_recommandation": 10,
          "test_sauvegarde_puis_restauration_identiques": 10, "test_fraicheur_des_sources": 9,
          "test_effacement_sur_demande": 9, "test_fichier_vide_accepte": 8,
          "test_rapport_dans_chromium": 8, "test_memoire_bornee": 8,
          # against moto_server (test_stockage_objet.py): two full nightlies, 8 dbt commands
          "test_deux_nuits_sur_le_stockage_objet": 210,
          "test_publication_et_effacement_dans_le_seau": 58,
          "test_export_manquant_et_mauvais_identifiants": 36,
          "test_retour_en_arriere_refuse_dans_le_seau": 25}


def duree(item) -> int:
    return DUREES.get(item.name.split("[")[0], 1)


def repartir(items: list) -> list:
    """`items` in two halves of about the same total duration, long tests spread first."""
    moities, totaux = ([], []), [0, 0]
    for item in sorted(items, key=duree, reverse=True):
        if duree(item) > 1:
            cote = totaux.index(min(totaux))
            moities[cote].append(item)
            totaux[cote] += duree(item)
    courts = [item for item in items if duree(item) <= 1]
    manque = max(0, len(items) // 2 - len(moities[0]))
    moities[0].extend(courts[:manque])
    moities[1].extend(courts[manque:])
    return moities[0] + moities[1]
