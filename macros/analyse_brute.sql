{#-
    Parsing rules for raw text fields, shared by the CSV and CRM staging models. Each rule
    takes a field already trimmed and emptied to null (`texte_brut`), so that a model computes
    every field's text once and types it once.
-#}

{% macro texte_brut(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{% macro correspond(expression, motif) -%}
    {#- True when the whole of `expression` matches the regular expression `motif`. -#}
    {{ return(adapter.dispatch('correspond', 'retailinsight360')(expression, motif)) }}
{%- endmacro %}

{% macro spark__correspond(expression, motif) -%}
    {#- Spark's string literals read `\\` as an escape: the pattern's backslashes doubled. -#}
    ({{ expression }} rlike '^(?:{{ motif | replace('\\', '\\\\') }})$')
{%- endmacro %}

{% macro default__correspond(expression, motif) -%}
    ({{ expression }} rlike '^(?:{{ motif }})$')
{%- endmacro %}

{% macro duckdb__correspond(expression, motif) -%}
    regexp_full_match({{ expression }}, '{{ motif }}')
{%- endmacro %}

{% macro entier_brut(texte) -%}
    case
        when {{ correspond(texte, '-?[0-9]{1,18}') }}
            then cast({{ texte }} as bigint)
    end
{%- endmacro %}

{% macro decimal_brut(texte) -%}
    case
        when {{ correspond(texte, '-?[0-9]+(\\.[0-9]+)?') }}
            then cast({{ texte }} as double)
    end
{%- endmacro %}

{% macro date_brute(texte) -%}
    {#- ISO date only; an impossible day (2021-02-30) is null, never rolled over. -#}
    case
        when {{ correspond(texte, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then {{ date_iso_ou_nulle(texte) }}
    end
{%- endmacro %}

{% macro date_iso_ou_nulle(texte) -%}
    {{ return(adapter.dispatch('date_iso_ou_nulle', 'retailinsight360')(texte)) }}
{%- endmacro %}

{% macro spark__date_iso_ou_nulle(texte) -%}
    {#- Spark's ANSI mode makes to_date fail on an impossible day: try_to_date gives null. -#}
    try_to_date({{ texte }}, 'yyyy-MM-dd')
{%- endmacro %}

{% macro default__date_iso_ou_nulle(texte) -%}
    to_date({{ texte }}, 'yyyy-MM-dd')
{%- endmacro %}

{% macro duckdb__date_iso_ou_nulle(texte) -%}
    cast(try_strptime({{ texte }}, '%Y-%m-%d') as date)
{%- endmacro %}

{% macro libelle_normalise(expression) -%}
    {#- One canonical spelling: lower case, single spaces, no edge spaces; accents kept. -#}
    {{ return(adapter.dispatch('libelle_normalise', 'retailinsight360')(expression)) }}
{%- endmacro %}

{% macro default__libelle_normalise(expression) -%}
    nullif(lower(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g'))), '')
{%- endmacro %}

{% macro spark__libelle_normalise(expression) -%}
    {#-
        Spark's regexp_replace replaces every match (no flag argument) and its string literals
        read backslash escapes: white space spelled out as RE2's `\s` (space, tab, line feed,
        form feed, carriage return).
    -#}
    nullif(lower(trim(regexp_replace({{ expression }}, '[ \\t\\n\\f\\r]+', ' '))), '')
{%- endmacro %}

{% macro booleen_brut(texte) -%}
    {#- '1' -> true, '0' -> false, empty -> null (unknown, never "no"). -#}
    case {{ texte }}
        when '1' then true
        when '0' then false
    end
{%- endmacro %}

{% macro anomalie_champ(champ, valeur_typee, message_absent, message_invalide) -%}
    {#- Message when a required field is empty or does not parse; null when it is fine. -#}
    when {{ valeur_typee }} is null and {{ texte_brut(champ) }} is null
        then '{{ message_absent }}'
    when {{ valeur_typee }} is null then '{{ message_invalide }}'
{%- endmacro %}

{% macro essai_conversion(expression, type_cible) -%}
    {#- The value cast to `type_cible`, or null when it does not convert. -#}
    try_cast({{ expression }} as {{ type_cible }})
{%- endmacro %}

{% macro libelle_sans_espace_superflu(expression) -%}
    {#-
        True when the label has no edge space and no run of white space, so that
        `libelle_normalise` would leave it as it is once lower-cased (white space as in the
        regular expression `\s`: space, tab, line feed, form feed, carriage return). Written
        with functions both engines share (`left`, `right`, `contains`): no dispatch.
    -#}
    (left({{ expression }}, 1) <> ' '
        and right({{ expression }}, 1) <> ' '
        and not contains({{ expression }}, '  ')
        and not contains({{ expression }}, chr(9))
        and not contains({{ expression }}, chr(10))
        and not contains({{ expression }}, chr(12))
        and not contains({{ expression }}, chr(13))
        and {{ expression }} <> '')
{%- endmacro %}

{% macro texte_canonique(valeur) -%}
    {#- The text a typed value is written as in a clean export (dates as YYYY-MM-DD). -#}
    cast({{ valeur }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro texte_booleen(valeur) -%}
    case when {{ valeur }} then '1' when not {{ valeur }} then '0' else '' end
{%- endmacro %}
