{% macro ecarter_lignes_effacees(relation, colonnes) -%}
    {#-
        The typed lines of a reference export (`relation`: a staging query with `contenu_brut`,
        `anomalie` and `colonnes`), where a malformed line whose raw key is an erased feedback's
        (a feedback line sent in the wrong export) keeps only its place (file, line) and the
        register's reason: nothing of its content is stored, and the reconciliation counts it.
        A valid reference line is never touched, whatever its key.
    -#}
    select
        fichier_source,
        numero_ligne,
        case when not est_ecartee then contenu_brut end as contenu_brut,
        {%- for colonne in colonnes %}
        case when not est_ecartee then {{ colonne }} end as {{ colonne }},
        {%- endfor %}
        case when est_ecartee then {{ motif_registre() }} else anomalie end as anomalie
    from (
        select
            *,
            coalesce(anomalie is not null and {{ est_ecartee_par_registre(
                cle_ligne_brute('contenu_brut'), 'cast(null as date)') }}, false) as est_ecartee
        from {{ relation }}
    ) as lignes
{%- endmacro %}
