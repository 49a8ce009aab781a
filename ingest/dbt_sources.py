"""Render the dbt sources and staging models from ingest/schemas.py, so the warehouse names, types
and Chinese descriptions have one origin. `python -m ingest.dbt_sources` rewrites models/staging;
a test fails when the files on disk differ from what this renders."""

from __future__ import annotations

from pathlib import Path

from ingest.load import raw_column_name
from ingest.schemas import KINDS, Column, Kind

STAGING = Path(__file__).resolve().parent.parent / "models" / "staging"
LINEAGE = (
    ("_batch_id", "source_batch_id", "来源批次 / source batch id"),
    ("_source_file", "source_file", "来源文件 / source file"),
    ("_sheet", "source_sheet", "来源工作表 / source sheet"),
    ("_row_number", "source_row_number", "来源行号（Excel 中所见）/ source row number as seen in Excel"),
    ("_loaded_at", "loaded_at", "导入时间 / loaded at"),
)


def _description(column: Column) -> str:
    name = raw_column_name(column)
    zh = "身份证号（加盐哈希，不存明文）" if name != column.name else column.zh
    return f"{zh} / {name.replace('_', ' ')}"


def _staged(kind: Kind, column: Column) -> tuple[str, str, str]:
    """(select expression, staged name, description): phones are masked from staging on."""
    if kind.name == "deputies" and column.name == "phone":
        return "{{ mask_phone('phone') }} as phone_masked", "phone_masked", "手机（脱敏，仅保留前3后4位）/ phone, masked"
    name = raw_column_name(column)
    return name, name, _description(column)


def render_model(kind: Kind) -> str:
    selects = [_staged(kind, c)[0] for c in kind.columns] + [f"{raw} as {staged}" for raw, staged, _ in LINEAGE]
    body = ",\n        ".join(selects)
    key = ", ".join(f"'{k}'" for k in kind.key)
    return f"""-- {kind.zh}: the current version of each key ({', '.join(kind.key)}); earlier versions stay in raw.
with current_rows as (
    {{{{ current_version('{kind.name}', [{key}]) }}}}
),

final as (
    select
        {body}
    from current_rows
)

select * from final
"""


def render_sources() -> str:
    lines = [
        "version: 2", "", "sources:", "  - name: raw", "    schema: raw",
        '    description: "原始层：各地州市报送文件经校验后逐行追加（保留全部历史版本）/ Raw layer: validated rows of every '
        'submitted file, append-only history"',
        "    tables:",
        "      - name: batches", '        description: "导入批次：每个文件一行 / One row per ingested file"',
        "      - name: quarantine", '        description: "隔离区：未通过校验的行及原因 / Rows that broke a rule, with the reason"',
    ]
    for kind in KINDS:
        lines += [f"      - name: {kind.name}", f'        description: "{kind.zh} / {kind.description_en}"', "        columns:"]
        for column in kind.columns:
            lines += [f"          - name: {raw_column_name(column)}", f'            description: "{_description(column)}"']
    return "\n".join(lines) + "\n"


def render_staging_yml() -> str:
    lines = ["version: 2", "", "models:"]
    for kind in KINDS:
        lines += [
            f"  - name: stg_raw__{kind.name}",
            f'    description: "{kind.zh}（当前版本：同一主键取最新报送）/ {kind.description_en}, current version of each key"',
            "    columns:",
        ]
        for column in kind.columns:
            _, name, description = _staged(kind, column)
            lines += [f"      - name: {name}", f'        description: "{description}"']
            if kind.key == (column.name,):
                lines.append("        data_tests: [unique, not_null]")
        for _, staged, description in LINEAGE:
            lines += [f"      - name: {staged}", f'        description: "{description}"']
    return "\n".join(lines) + "\n"


def rendered() -> dict[Path, str]:
    files = {STAGING / f"stg_raw__{kind.name}.sql": render_model(kind) for kind in KINDS}
    files[STAGING / "_sources.yml"] = render_sources()
    files[STAGING / "_staging__models.yml"] = render_staging_yml()
    return files


if __name__ == "__main__":
    for path, text in rendered().items():
        path.write_text(text)
        print(f"wrote {path}")
