{% macro ligne_canonique_retour_client() -%}
    {#- A feedback's line in a clean export, rebuilt from its typed columns. -#}
    {{ dbt.concat([
        texte_canonique('cle_retour_client'), "';'",
        texte_canonique('note'), "';'",
        texte_canonique('cle_produit'), "';'",
        texte_canonique('ref_magasin'), "';'",
        texte_canonique('date_achat'), "';'",
        'libelle_source', "';'",
        'libelle_categorie', "';'",
        texte_booleen('recommandation')
    ]) }}
{%- endmacro %}
