{% macro limite_entonnoir(cible, variance_unitaire, nb_reponses, niveau, sens) -%}
    {#-
        A funnel-plot limit (Spiegelhalter 2005) at `nb_reponses`: the target ± z × √(V / n),
        V the target's variance of one response (for an NPS, `variance_nps_depuis_comptes` of
        the network), z the quantile of `niveau` ('95' or '99.8'), `sens` 'basse' or 'haute';
        kept within −100 and +100, the range of an NPS.
    -#}
    {%- if sens not in ('basse', 'haute') -%}
        {{ exceptions.raise_compiler_error("funnel limit side must be basse or haute: " ~ sens) }}
    {%- endif -%}
    {{ 'greatest(-100' if sens == 'basse' else 'least(100' }}, ({{ cible }})
        {{ '-' if sens == 'basse' else '+' }} {{ z_normal(niveau) }}
        * sqrt(({{ variance_unitaire }}) / nullif({{ nb_reponses }}, 0)))
{%- endmacro %}
