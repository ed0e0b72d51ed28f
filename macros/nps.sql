{#-
    Net Promoter Score: the one definition of the project. Promoters give 9–10, passives 7–8,
    detractors 0–6. NPS = (promoters − detractors) / responses × 100, in points from −100 to
    +100, as a double (never integer division); null when there is no response.
-#}

{% macro condition_groupe_nps(note, groupe) -%}
    {#- The bounds of the three groups, written once; true when the note is in `groupe`. -#}
    {%- if groupe == 'promoteur' -%}
        {{ note }} >= 9
    {%- elif groupe == 'passif' -%}
        {{ note }} >= 7 and {{ note }} < 9
    {%- elif groupe == 'détracteur' -%}
        {{ note }} >= 0 and {{ note }} < 7
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown NPS group: " ~ groupe) }}
    {%- endif -%}
{%- endmacro %}

{% macro groupe_nps(note) -%}
    case
        when {{ condition_groupe_nps(note, 'promoteur') }} then 'promoteur'
        when {{ condition_groupe_nps(note, 'passif') }} then 'passif'
        when {{ condition_groupe_nps(note, 'détracteur') }} then 'détracteur'
    end
{%- endmacro %}

{% macro nb_groupe_nps(note, groupe) -%}
    {#- A count, so 0 (not null) without any such note, and a bigint on every engine. The
        expression stays short: the NPS and its margin repeat it several times. -#}
    count(case when {{ condition_groupe_nps(note, groupe) }} then 1 end)
{%- endmacro %}

{% macro nps(note) -%}
    {{ nps_depuis_comptes(
        nb_groupe_nps(note, 'promoteur'), nb_groupe_nps(note, 'détracteur'),
        'count(' ~ note ~ ')'
    ) }}
{%- endmacro %}

{% macro colonnes_nps(note) -%}
    {#- Every NPS output: responses, the three groups (counts and shares in 0–100), the NPS. -#}
    count({{ note }}) as nb_reponses,
    {{ nb_groupe_nps(note, 'promoteur') }} as nb_promoteurs,
    {{ nb_groupe_nps(note, 'passif') }} as nb_passifs,
    {{ nb_groupe_nps(note, 'détracteur') }} as nb_detracteurs,
    {{ pourcentage(nb_groupe_nps(note, 'promoteur'), 'count(' ~ note ~ ')') }} as pct_promoteurs,
    {{ pourcentage(nb_groupe_nps(note, 'passif'), 'count(' ~ note ~ ')') }} as pct_passifs,
    {{ pourcentage(nb_groupe_nps(note, 'détracteur'), 'count(' ~ note ~ ')') }} as pct_detracteurs,
    {{ nps(note) }} as nps,
    {{ marge_erreur_nps(note) }} as marge_erreur_95,
    count({{ note }}) < {{ var('nps_taille_minimale', 30) }} as est_echantillon_faible
{%- endmacro %}

{% macro marge_erreur_nps(note) -%}
    {#-
        95 % margin of error of an NPS, in points: 1.96 × standard error, where the variance
        of (promoter share − detractor share) over n responses is
        (p + d − (p − d)²) / n with p, d the promoter and detractor shares (0–1). The formula
        lives once, in `marge_erreur_nps_depuis_comptes` (macros/nps_comptes.sql).
    -#}
    {{ marge_erreur_nps_depuis_comptes(
        nb_groupe_nps(note, 'promoteur'), nb_groupe_nps(note, 'détracteur'),
        'count(' ~ note ~ ')'
    ) }}
{%- endmacro %}

{% macro moyenne(expression) -%}
    {#- Average as a double, never rounded (round only for display). -#}
    avg(cast({{ expression }} as double))
{%- endmacro %}

{% macro pourcentage(numerateur, denominateur) -%}
    {#- numerateur / denominateur in 0–100, as a double; null when the denominator is 0. -#}
    cast({{ numerateur }} as double) * 100 / nullif({{ denominateur }}, 0)
{%- endmacro %}
