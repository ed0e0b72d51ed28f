{% macro qualifier_lignes(relations, cle, colonnes_contenu) -%}
    {#-
        Union the staging relations of one entity (one per raw export, in priority order) and
        qualify every raw row before cross-table checks:
        - `motif_ligne`: the row's own anomaly, else a key conflict (well-formed rows sharing
          the key with different content), else null;
        - `rang_copie`: 1 for the copy to keep among identical well-formed rows of a key,
          2+ for the identical copies merged into it.
        Nothing is dropped: every input row comes out once.
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

    empreintes as (
        select
            *,
            {{ empreinte(colonnes_contenu) }} as empreinte
        from toutes_lignes
    ),

    comparees as (
        select
            *,
            case
                when anomalie is null
                    then min(empreinte) over (partition by {{ cle }}, anomalie is null)
                        <> max(empreinte) over (partition by {{ cle }}, anomalie is null)
                else false
            end as est_en_conflit,
            row_number() over (
                partition by {{ cle }}, anomalie is null
                order by priorite_export, numero_ligne
            ) as rang_copie
        from empreintes
    )

    select
        priorite_export,
        fichier_source,
        numero_ligne,
        contenu_brut,
        {{ cle }},
        {{ colonnes_contenu | join(',\n        ') }},
        coalesce(
            anomalie,
            case
                when est_en_conflit
                    then 'conflit de clé: même clé, contenus différents'
            end
        ) as motif_ligne,
        rang_copie
    from comparees
{%- endmacro %}

{% macro statut_ligne(motif_rejet, rang_copie) -%}
    case
        when {{ motif_rejet }} is not null then 'rejetée'
        when {{ rang_copie }} = 1 then 'retenue'
        else 'doublon fusionné'
    end
{%- endmacro %}

{% macro empreinte(colonnes) -%}
    {#- Content fingerprint of a row: hash of its columns, null-safe, cross-database. -#}
    {%- set parties = [] -%}
    {%- for colonne in colonnes -%}
        {%- do parties.append(
            "coalesce(cast(" ~ colonne ~ " as " ~ dbt.type_string() ~ "), '<inconnu>')") -%}
        {%- if not loop.last -%}
            {%- do parties.append("'|'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parties)) }}
{%- endmacro %}
