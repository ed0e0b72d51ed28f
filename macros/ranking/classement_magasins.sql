{% macro classement_magasins(critere, top_n) -%}
    {#-
        Stores ranked by `critere` (`note_moyenne` or `nb_retours`), best first, keeping the
        ranks up to `top_n`: rank() keeps ties, so every store tied with the last kept rank is
        returned. Each store with its commune and département, its feedback count and average.
    -#}
    with

    fct_retour_client as (
        select
            note,
            ref_magasin
        from {{ ref('fct_retour_client') }}
    ),

    dim_magasin as (
        select
            ref_magasin,
            libelle_commune,
            code_departement,
            nom_departement
        from {{ ref('dim_magasin') }}
    ),

    par_magasin as (
        select
            ref_magasin,
            count(*) as nb_retours,
            {{ moyenne('note') }} as note_moyenne
        from fct_retour_client
        group by ref_magasin
    ),

    classes as (
        select
            par_magasin.ref_magasin,
            dim_magasin.libelle_commune,
            dim_magasin.code_departement,
            dim_magasin.nom_departement,
            par_magasin.nb_retours,
            par_magasin.note_moyenne,
            cast(rank() over (order by par_magasin.{{ critere }} desc) as bigint) as rang
        from par_magasin
        inner join dim_magasin
            on par_magasin.ref_magasin = dim_magasin.ref_magasin
    ),

    final as (
        select * from classes
        where rang <= {{ top_n }}
    )

    select * from final
{%- endmacro %}
