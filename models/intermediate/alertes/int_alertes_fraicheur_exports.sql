{#-
    Every raw export the sources read, its latest modification time (the same query as
    `dbt source freshness`, macro `requete_fraicheur`, engine by engine) and its freshness
    threshold in hours: the `warn_after` of the sources' freshness config (the smallest when
    several sources read one file). `maintenant` is when the build ran (or the var
    `alertes_maintenant`, to replay a night), so this is the one alert input that is not a pure
    function of the data.
-#}
{%- set heures = {'minute': 1 / 60, 'hour': 1, 'day': 24} -%}
{%- set seuils = {} -%}
{%- if execute -%}
    {%- for source in graph.sources.values() if source.package_name == project_name -%}
        {%- set requete = source.loaded_at_query or source.config.loaded_at_query -%}
        {%- set avertir = (source.freshness or {}).get('warn_after') or {} -%}
        {%- if requete and "'" in requete and avertir.get('count') -%}
            {%- set fichier = requete.split("'")[1] -%}
            {%- set seuil = avertir['count'] * heures[avertir['period']] -%}
            {%- if fichier not in seuils or seuil < seuils[fichier] -%}
                {%- do seuils.update({fichier: seuil}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- set maintenant = var('alertes_maintenant', none) -%}

with

exports as (
    {%- for fichier in seuils | sort %}
    select
        cast('{{ fichier }}' as {{ dbt.type_string() }}) as fichier,
        cast(({{ requete_fraicheur(fichier) }}) as timestamp) as derniere_modification,
        cast({{ seuils[fichier] }} as double) as seuil_heures
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as fichier,
        cast(null as timestamp) as derniere_modification,
        cast(null as double) as seuil_heures
    where false
    {%- endfor %}
),

final as (
    select
        fichier,
        derniere_modification,
        seuil_heures,
        {%- if maintenant %}
        cast('{{ maintenant }}' as timestamp) as maintenant
        {%- else %}
        cast({{ dbt.current_timestamp() }} as timestamp) as maintenant
        {%- endif %}
    from exports
)

select * from final
