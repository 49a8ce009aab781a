{# 领衔与联名/附议 of one record kind: one row per record and deputy who signed it, the lead and each
   cosigner. A lead listed again among the cosigners counts once, as lead. `records`: a CTE with
   `id_column`, lead_deputy_id and cosigner_ids. Subqueries, not a WITH: it sits inside a CTE. #}
{% macro signers(records, record_kind, id_column) -%}
select
    '{{ record_kind }}' as record_kind,
    record_id,
    deputy_id,
    signer_role
from (
    select
        *,
        row_number() over (partition by record_id, deputy_id order by item_position) as rank_of_signer
    from (
        select {{ id_column }} as record_id, lead_deputy_id as deputy_id, 'lead' as signer_role, 0 as item_position
        from {{ records }}
        union all
        select {{ id_column }}, item, 'cosigner', item_position
        from ({{ split_list(records, [id_column], 'cosigner_ids') }}) as cosigners
        where item <> ''
    ) as all_signers
) as deduplicated
where rank_of_signer = 1
{%- endmacro %}
