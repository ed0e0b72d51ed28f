{% macro qualifier_lignes(relations, cle, colonnes_contenu) -%}
    {#-
        Union the staging relations of one entity (one per raw export, in priority order) and
        qualify every raw row before cross-table checks:
        - `motif_ligne`: the row's own anomaly, else a key conflict (well-formed rows sharing
          the key with different content), else null;
        - `est_copie_retenue`: true for the one well-formed copy of a key to keep (first export
          in priority order, then first line), false for the identical copies merged into it.
        Every key is qualified by one grouping of the well-formed rows (no sort, no window) on
        a compact fingerprint of their content: a key is in conflict when its copies have two
        fingerprints. Nothing is dropped: every input row comes out once.
    -#}
    with

    {% for relation in relations -%}
    lignes_{{ loop.index }} as (
        select
            {{ loop.index }} as priorite_export,
            fichier_source,
            numero_ligne,
            contenu_brut,
            {{ cle }},
            {{ colonnes_contenu | join(',\n            ') }},
            anomalie
        from {{ relation }}
    ),

    {% endfor -%}

    toutes_lignes as (
        {%- for relation in relations %}
        select * from lignes_{{ loop.index }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    par_cle as (
        select
            {{ cle }},
            min({{ ordre_copie('priorite_export', 'numero_ligne') }}) as ordre_retenu,
            min(empreinte) <> max(empreinte) as est_en_conflit
        from (
            select
                {{ cle }},
                priorite_export,
                numero_ligne,
                {{ empreinte_rapide(colonnes_contenu) }} as empreinte
            from toutes_lignes
            where anomalie is null
        ) as empreintes
        group by {{ cle }}
    )

    select
        lignes.priorite_export,
        lignes.fichier_source,
        lignes.numero_ligne,
        lignes.contenu_brut,
        lignes.{{ cle }},
        {%- for colonne in colonnes_contenu %}
        lignes.{{ colonne }},
        {%- endfor %}
        coalesce(
            lignes.anomalie,
            case
                when par_cle.est_en_conflit
                    then 'conflit de clé: même clé, contenus différents'
            end
        ) as motif_ligne,
        coalesce(
            lignes.anomalie is null
            and {{ ordre_copie('lignes.priorite_export', 'lignes.numero_ligne') }}
            = par_cle.ordre_retenu,
            false
        ) as est_copie_retenue
    from toutes_lignes as lignes
    left join par_cle
        on lignes.{{ cle }} = par_cle.{{ cle }}
{%- endmacro %}
