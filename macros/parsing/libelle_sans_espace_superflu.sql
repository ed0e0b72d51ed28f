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
