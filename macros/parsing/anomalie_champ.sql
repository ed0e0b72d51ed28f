{% macro anomalie_champ(champ, valeur_typee, message_absent, message_invalide) -%}
    {#- Message when a required field is empty or does not parse; null when it is fine. -#}
    when {{ valeur_typee }} is null and {{ texte_brut(champ) }} is null
        then '{{ message_absent }}'
    when {{ valeur_typee }} is null then '{{ message_invalide }}'
{%- endmacro %}
