"""Render the dbt sources, staging models and the key conflicts models from ingest/schemas.py, so the warehouse
names, types, keys and Chinese descriptions have one origin. `python -m ingest.dbt_sources` rewrites
them; a test fails when the files on disk differ from what this renders."""

from __future__ import annotations

from pathlib import Path

from ingest.load import raw_column_name
from ingest.schemas import KINDS, Column, Kind

STAGING = Path(__file__).resolve().parent.parent / "models" / "staging"
QUALITY = STAGING.parent / "quality"
KEY_CONFLICTS = STAGING.parent / "intermediate" / "key_conflicts"
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


# raw.batches and raw.quarantine are written by ingest.load itself (no kind schema): their staging
# models (stg_raw__batches.sql, stg_raw__quarantine.sql) are written by hand, documented here.
OPERATIONAL = (
    ("batches", "导入批次：每个文件一行 / One row per ingested file", "batch_id", (
        ("batch_id", "导入批次 / batch id"),
        ("source_file", "来源文件 / source file"),
        ("sha256", "文件 SHA-256（同一文件不重复导入）/ file sha256"),
        ("prefecture_code", "州市代码 / prefecture code"),
        ("kinds", "文件所含记录类型 / record kinds in the file"),
        ("file_format", "文件格式 / file format"),
        ("encoding", "文本编码 / text encoding"),
        ("submitted_on", "报送日期 / submitted on"),
        ("loaded_at", "导入时间 / loaded at"),
        ("rows_read", "读取行数 / rows read"),
        ("rows_loaded", "入库行数 / rows loaded"),
        ("rows_quarantined", "隔离行数 / rows quarantined"),
        ("archive_path", "归档路径 / archive path"),
        ("period", "报送期（来自文件名，如 2024Q4）/ period named in the file name"),
        ("full_replacement", "是否全量替换（文件名含“全量替换”）/ declared a full replacement of the same prefecture, kind and period"),
        ("ignored", "未导入而已在报告中列明的内容（忽略列、跳过的工作表和行）/ what the reading left out, as named in the report"),
    )),
    ("quarantine", "隔离区：未通过校验的行，每条违反的规则一行（原始行内容留在 raw，手机与身份证号值已遮盖）/ "
     "Rows that broke a rule, one row per rule; the raw row stays in raw, phone and ID-card values masked", None, (
        ("batch_id", "导入批次 / ingest batch id"),
        ("source_file", "来源文件 / source file"),
        ("sheet", "工作表 / sheet"),
        ("kind", "记录类型 / record kind"),
        ("prefecture_code", "州市代码 / prefecture code"),
        ("row_number", "Excel 行号 / row number in the file"),
        ("column_name", "列名（英文）/ column name"),
        ("header", "表头（中文）/ header (Chinese)"),
        ("value", "原值（手机、身份证号遮盖为 ****）/ value as submitted, phone and ID card masked"),
        ("rule_id", "规则编号 / rule id"),
        ("message", "说明（中文）/ message"),
        ("loaded_at", "导入时间 / loaded at"),
    )),
)


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


def render_key_conflicts() -> str:
    """dq_key_conflicts: every kind by the key ingest checks (a hand-kept list once named a kind by
    fewer columns than its current version used), one model per kind: a file of one kind rebuilds
    its own kind's (a refresh scanned every kind's raw rows, activities' 1.5 M included)."""
    parts = "\nunion all\n".join(f"select * from {{{{ ref('int_key_conflicts__{kind.name}') }}}}" for kind in KINDS)
    return f"""-- 主键冲突：同一编号已由另一州市先报送。先报送的州市拥有该编号；后来州市的这条记录不进入
-- 当前版本（不能改写别的州市的记录），在此列出以便核对、改号后重报。
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: each kind's key as ingest checks it.
{parts}
"""


def render_kind_key_conflicts(kind: Kind) -> str:
    keys = ", ".join(repr(k) for k in kind.key)
    return f"""-- 主键冲突（{kind.zh}），见 dq_key_conflicts / key conflicts of {kind.name}, see dq_key_conflicts.
-- Rendered from ingest/schemas.py by `python -m ingest.dbt_sources`: the key as ingest checks it.
{{{{ key_conflicts('{kind.name}', [{keys}]) }}}}
"""


def render_key_conflicts_yml() -> str:
    lines = ["version: 2", "", "models:"]
    for kind in KINDS:
        lines += [f"  - name: int_key_conflicts__{kind.name}",
                  f'    description: "主键冲突（{kind.zh}）：dq_key_conflicts 中该类记录的部分 / '
                  f'Key conflicts of {kind.name}: its part of dq_key_conflicts"']
    return "\n".join(lines) + "\n"


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
    for table, description, key, columns in OPERATIONAL:
        lines += [f"  - name: stg_raw__{table}", f'    description: "{description}"', "    columns:"]
        for name, text in columns:
            lines += [f"      - name: {name}", f'        description: "{text}"']
            if name == key:
                lines.append("        data_tests: [unique, not_null]")
    return "\n".join(lines) + "\n"


def rendered() -> dict[Path, str]:
    files = {STAGING / f"stg_raw__{kind.name}.sql": render_model(kind) for kind in KINDS}
    files[STAGING / "_sources.yml"] = render_sources()
    files[STAGING / "_staging__models.yml"] = render_staging_yml()
    files[QUALITY / "dq_key_conflicts.sql"] = render_key_conflicts()
    files |= {KEY_CONFLICTS / f"int_key_conflicts__{kind.name}.sql": render_kind_key_conflicts(kind) for kind in KINDS}
    files[KEY_CONFLICTS / "_key_conflicts__models.yml"] = render_key_conflicts_yml()
    return files


if __name__ == "__main__":
    for path, text in rendered().items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
