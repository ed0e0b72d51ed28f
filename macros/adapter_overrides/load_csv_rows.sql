{% macro spark__load_csv_rows(model, agate_table) -%}
    {#-
        Seeds on Spark: dbt-spark's session cursor pastes the seed's values into the insert
        unquoted-escaped (`Val-d'Oise` breaks it), so each value is written here as a literal,
        a quote or backslash escaped as Spark's string literals want.
    -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- set valeur = row[loop.index0] -%}
                    cast({{ 'null' if valeur is none else litteral_spark(valeur) }} as {{ type }})
                    {{- ',' if not loop.last }}
                {%- endfor -%})
                {{- ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}
