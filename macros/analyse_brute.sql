{#- Parsing rules for raw text fields, shared by the CSV and CRM staging models. -#}

{% macro texte_brut(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{% macro entier_brut(expression) -%}
    case
        when regexp_full_match(trim({{ expression }}), '-?[0-9]{1,18}')
            then cast(trim({{ expression }}) as bigint)
    end
{%- endmacro %}

{% macro decimal_brut(expression) -%}
    case
        when regexp_full_match(trim({{ expression }}), '-?[0-9]+(\.[0-9]+)?')
            then cast(trim({{ expression }}) as double)
    end
{%- endmacro %}

{% macro date_brute(expression) -%}
    case
        when regexp_full_match(trim({{ expression }}), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then cast(try_strptime(trim({{ expression }}), '%Y-%m-%d') as date)
    end
{%- endmacro %}

{% macro libelle_normalise(expression) -%}
    {#- One canonical spelling: lower case, single spaces, no edge spaces; accents kept. -#}
    nullif(lower(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g'))), '')
{%- endmacro %}

{% macro booleen_brut(expression) -%}
    {#- '1' -> true, '0' -> false, empty -> null (unknown, never "no"). -#}
    case trim({{ expression }})
        when '1' then true
        when '0' then false
    end
{%- endmacro %}

{% macro anomalie_champ(expression, valeur_typee, message_absent, message_invalide) -%}
    {#- Message when a required field is empty or does not parse; null when it is fine. -#}
    when {{ texte_brut(expression) }} is null then '{{ message_absent }}'
    when {{ valeur_typee }} is null then '{{ message_invalide }}'
{%- endmacro %}
