"""lvzhi 命令行 — the command line: synth → ingest → build → indicators / serve."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from lvzhi import audit, pipeline, users, warehouse
from lvzhi.home import DEFAULT_HOME, Home


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD，例如 2025-12-31（收到“{text}”）") from None


def cmd_synth(args) -> int:
    from lvzhi.synth import generate

    manifest = generate(Path(args.out), args.scale, args.seed, clean=args.clean, progress=print)
    rows = sum(manifest["rows"].values())
    print(f"已生成 {len(manifest['files'])} 个文件、{rows:,} 行 → {args.out}")
    return 0


def cmd_ingest(args) -> int:
    home = Home.at(args.home)
    results = pipeline.ingest(home, [Path(p) for p in args.paths], args.submitted_on)
    loaded = [r for r in results if r.status == "loaded"]
    print(
        f"共 {len(results)} 个文件：入库 {len(loaded)} 个，跳过 {sum(r.status == 'duplicate' for r in results)} 个，"
        f"拒收 {sum(r.status == 'rejected' for r in results)} 个；"
        f"入库 {sum(r.rows_loaded for r in loaded):,} 行，隔离 {sum(r.rows_quarantined for r in loaded):,} 行。"
    )
    if any(r.rows_quarantined or r.status == "rejected" for r in results):
        print(f"错误报告（可交给报送人员修改）：{home.reports_dir}")
    return pipeline.exit_code(results)


def cmd_template(args) -> int:
    from ingest.template import write_template

    path = write_template(Path(args.out))
    print(f"已生成报送模板：{path}")
    return 0


def cmd_build(args) -> int:
    home = Home.at(args.home)
    print(f"构建模型（统计日 {args.as_of}）…")
    result = pipeline.build(home, args.as_of, args.select)
    if not result.success:
        print("✗ 构建失败，已发布的数据保持不变：", file=sys.stderr)
        for failure in result.failures:
            print(f"  - {failure}", file=sys.stderr)
        if any("No space left" in failure for failure in result.failures):
            print("  磁盘空间不足：请清理空间后重新运行 lvzhi build", file=sys.stderr)
        return 1
    audit.record(home, audit.terminal_user(), "publish", version=result.published.name, as_of=str(args.as_of), select=args.select)
    print(f"✓ 构建完成 {result.seconds:.1f}s，已发布 {result.published.name}")
    return 0


def cmd_indicators(args) -> int:
    home = Home.at(args.home)
    values = pipeline.indicator_values(home)
    if args.as_of and values.height and values["as_of"][0] != args.as_of:
        print(f"注意：已发布数据的统计日是 {values['as_of'][0]}，不是 {args.as_of}；请先运行 lvzhi build --as-of {args.as_of}",
              file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(values.select(pipeline.CONTRACT_COLUMNS).write_csv())
    else:
        import polars as pl

        with pl.Config(tbl_rows=args.limit, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=40):
            print(values.filter(pl.col("period_type") == "year").select(
                "indicator_name", "scope_name", "period_label", "numerator", "denominator", "value", "status"))
    return 0


def cmd_serve(args) -> int:
    home = Home.at(args.home)
    app = pipeline.PROJECT_DIR / "dashboard" / "app.py"
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", args.address, "--server.port", str(args.port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        "--", "--home", str(home.root),
    ]
    print(f"仪表盘：http://{args.address}:{args.port}")
    return subprocess.call(command)


def cmd_demo(args) -> int:
    home = Home.at(args.home)
    inbox = home.root / "inbox"
    args.out, args.seed, args.clean = str(inbox), 1, False
    cmd_synth(args)
    args.paths, args.submitted_on = [str(inbox)], None
    if cmd_ingest(args) == 2:
        return 2
    args.select = None
    if cmd_build(args):
        return 1
    _demo_admin(home)
    return cmd_serve(args)


def _demo_admin(home: Home) -> None:
    """A first admin with a random password (no password is ever fixed in the code), shown once."""
    note = home.config_dir / "demo_admin.txt"
    if not users.any_users(home):
        import secrets

        password = secrets.token_urlsafe(12)
        users.add(home, "admin", "admin", password, display_name="演示管理员", actor="cli:demo")
        note.write_text(f"用户名 admin\n密码 {password}\n")
        note.chmod(0o600)
    if note.exists():
        print(f"登录仪表盘 / log in: {note.read_text().strip().replace(chr(10), '，')}（保存在 {note}）")


def cmd_sql(args) -> int:
    from lvzhi import sql

    home = Home.at(args.home)
    try:  # the workbench's rule at the terminal too: analysts and admins only, logged in
        user = users.terminal_login(home, where="lvzhi sql")
    except users.UserError as refused:
        print(f"✗ {refused}", file=sys.stderr)
        return 1
    if not user.can_sql:
        print(f"✗ lvzhi sql 只对分析员和管理员开放（{user.name} 是{user.role_label()}）", file=sys.stderr)
        return 1
    text = sys.stdin.read() if args.query == "-" else args.query
    try:
        # Rendered inside the query's time and size limits: nothing unbounded reaches stdout.
        result = sql.run(home, text, user.name, limit=args.limit, timeout=args.timeout, form=args.format)
    except sql.QueryError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    sys.stdout.write(result.output)
    print(sql.summary(result), file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from exports import cli as exports_cli

    home = Home.at(args.home)
    if args.export_command == "run":
        return exports_cli.export_run(home, args.job, args.as_of)
    return exports_cli.export_list(home)


def cmd_schedule(args) -> int:
    from exports import cli as exports_cli

    return exports_cli.schedule(Home.at(args.home), args.once)


def cmd_publish(args) -> int:
    home = Home.at(args.home)
    with warehouse.writer_lock(home):
        path = warehouse.publish(home, {"as_of": None, "manual": True})
    audit.record(home, audit.terminal_user(), "publish", version=path.name, manual=True)
    print(f"已发布 {path.name}")
    return 0


def cmd_rollback(args) -> int:
    home = Home.at(args.home)
    path = warehouse.rollback(home)
    audit.record(home, audit.terminal_user(), "rollback", to=path.name)
    print(f"已回退到 {path.name}")
    return 0


def cmd_audit(args) -> int:
    """lvzhi audit verify: 0 when the audit log is intact (a torn last line after a crash is reported but
    tolerated), 1 when a line was removed or changed, naming the first bad line."""
    verdict = audit.check(Home.at(args.home))
    if verdict.status == "broken":
        print(f"✗ {verdict.message}", file=sys.stderr)
        return 1
    print(f"{'✓' if verdict.status == 'intact' else '!'} {verdict.message}")
    return 0


def cmd_status(args) -> int:
    home = Home.at(args.home)
    current = warehouse.current_published(home)
    size = f"{home.work_db.stat().st_size / 1e6:.1f} MB" if home.work_db.exists() else "尚未创建"
    print(f"工作仓库 working: {home.work_db} ({size})")
    for path in warehouse.published_versions(home):
        info = warehouse.describe(path)
        rows = info["rows"]
        print(f"{'→' if path == current else ' '} 已发布 {path.name}  统计日 {info.get('as_of')}  发布于 {info.get('published_at')}  "
              f"{len(rows)} 张表  indicator_values {rows.get('indicator_values', 0):,} 行  "
              f"{path.stat().st_size / 1e6:.1f} MB")
    if current is None:
        print("尚未发布任何版本 (nothing published yet)")
    return 0


def _new_password(args, name: str) -> str:
    """From stdin (scripts), a fresh random one (printed once), or typed twice at a prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if getattr(args, "random_password", False):
        import secrets

        password = secrets.token_urlsafe(12)
        print(f"用户 {name} 的初始密码（只显示这一次，请登录后修改）：{password}")
        return password
    import getpass

    password = getpass.getpass(f"为 {name} 设置密码：")
    if getpass.getpass("再输入一次：") != password:
        raise users.UserError("两次输入的密码不一致")
    return password


def cmd_user(args) -> int:
    import polars as pl

    home = Home.at(args.home)
    actor = audit.terminal_user()
    try:
        if args.op == "add":
            known = set(pl.read_csv(pipeline.PROJECT_DIR / "data" / "seeds" / "prefectures.csv",
                                    schema_overrides={"prefecture_code": pl.String})["prefecture_code"])
            user = users.add(home, args.name, args.role, _new_password(args, args.name), args.prefecture or [],
                             args.display_name or "", known, actor)
            scope = "、".join(user.prefectures) if user.prefectures else "全区"
            print(f"✓ 已添加用户 {user.name}（{user.role_label()}，范围：{scope}）")
        elif args.op == "list":
            listed = users.load(home)
            if not listed:
                print("尚无用户：用 lvzhi user add NAME --role admin 创建第一个管理员")
            for user in listed.values():
                state = "已停用" if user.disabled else "正常"
                scope = "、".join(user.prefectures) if user.prefectures else "全区"
                print(f"{user.name}\t{user.role_label()}\t{scope}\t{state}\t创建于 {user.created_at}")
        elif args.op in ("disable", "enable"):
            users.set_disabled(home, args.name, args.op == "disable", actor)
            print(f"✓ 用户 {args.name} 已{'停用' if args.op == 'disable' else '启用'}")
        elif args.op == "passwd":
            users.set_password(home, args.name, _new_password(args, args.name), actor)
            print(f"✓ 已修改 {args.name} 的密码（该用户已打开的仪表盘会话随即结束）")
        elif args.op == "role":
            known = set(pl.read_csv(pipeline.PROJECT_DIR / "data" / "seeds" / "prefectures.csv",
                                    schema_overrides={"prefecture_code": pl.String})["prefecture_code"])
            user = users.set_role(home, args.name, args.role, args.prefecture or [], known, actor)
            print(f"✓ 用户 {user.name} 的角色改为 {user.role_label()}（该用户已打开的仪表盘会话随即结束）")
    except users.UserError as refused:
        print(f"✗ {refused}", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="lvzhi", description="履职数据仓库 lvzhi: 人大代表履职数据的导入、指标计算与展示")
    top.add_argument("--home", default=str(DEFAULT_HOME), help="数据目录（仓库、报告、导出）/ state folder, default data/")
    commands = top.add_subparsers(dest="command", required=True, metavar="命令")

    def command(name, function, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--home", default=argparse.SUPPRESS, help="数据目录 / state folder")
        sub.set_defaults(function=function)
        return sub

    def scale_options(sub):
        sub.add_argument("--scale", choices=("tiny", "demo", "region"), default="demo",
                         help="规模：tiny（测试）、demo（约5千代表）、region（全区6万代表）")

    sub = command("synth", cmd_synth, "生成14个地州市的模拟报送文件 / write sample submission files")
    sub.add_argument("--out", required=True, help="输出目录 / output folder")
    scale_options(sub)
    sub.add_argument("--seed", type=int, default=1)
    sub.add_argument("--clean", action="store_true", help="不注入错误行 / no deliberately bad rows")

    sub = command("ingest", cmd_ingest, "导入报送文件（文件或目录）/ load files or folders")
    sub.add_argument("paths", nargs="+", help="文件或目录 / files or folders")
    sub.add_argument("--submitted-on", type=_date, default=None, help="报送日期，默认今天 / submission date")

    sub = command("template", cmd_template, "生成空白报送模板（xlsx）/ write the blank submission workbook")
    sub.add_argument("--out", required=True, help="输出文件，例如 模板.xlsx")

    sub = command("build", cmd_build, "运行 dbt 计算指标并发布 / build the models and publish")
    sub.add_argument("--as-of", type=_date, default=date.today(), help="统计日 YYYY-MM-DD，默认今天")
    sub.add_argument("--select", default=None, help="只构建部分模型（dbt 选择语法）")

    sub = command("indicators", cmd_indicators, "输出指标表 / print indicator_values")
    sub.add_argument("--as-of", type=_date, default=None, help="核对已发布数据的统计日")
    sub.add_argument("--format", choices=("table", "csv"), default="table")
    sub.add_argument("--limit", type=int, default=60, help="表格最多显示行数")

    for name, function, text in (("serve", cmd_serve, "启动仪表盘 / serve the dashboard"),
                                 ("demo", cmd_demo, "模拟数据→导入→构建→启动仪表盘 / the whole demo")):
        sub = command(name, function, text)
        sub.add_argument("--address", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8501)
        if name == "demo":
            scale_options(sub)
            sub.add_argument("--as-of", type=_date, default=date(2025, 12, 31), help="统计日")

    sub = command("user", cmd_user, "用户与角色：add/list/disable/enable/passwd / manage users")
    operations = sub.add_subparsers(dest="op", required=True, metavar="操作")
    for op, text in (("add", "添加用户"), ("list", "列出用户"), ("disable", "停用用户"), ("enable", "重新启用用户"),
                     ("passwd", "修改密码"), ("role", "修改角色（及地州市范围）")):
        operation = operations.add_parser(op, help=text, description=text)
        operation.add_argument("--home", default=argparse.SUPPRESS, help="数据目录 / state folder")
        if op != "list":
            operation.add_argument("name", help="用户名")
        if op in ("add", "passwd"):
            operation.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
        if op in ("add", "role"):
            operation.add_argument("--role", required=True, choices=tuple(users.ROLES),
                                   help="leader 区领导, prefecture 州市用户, analyst 分析员, admin 管理员")
            operation.add_argument("--prefecture", action="append", metavar="CODE",
                                   help="州市用户可查看的地州市代码（可重复），例如 650100")
        if op == "add":
            operation.add_argument("--display-name", help="显示名，例如 张三")
            operation.add_argument("--random-password", action="store_true", help="生成随机初始密码并显示一次")

    sub = command("sql", cmd_sql, "在已发布数据上执行一条只读查询 / run one read-only query on the published data")
    sub.add_argument("query", help="一条 SELECT/WITH/EXPLAIN/DESCRIBE/SHOW/SUMMARIZE 语句；- 表示从标准输入读取")
    sub.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sub.add_argument("--limit", type=int, default=1000, help="最多输出行数 / row cap (default 1000)")
    sub.add_argument("--timeout", type=float, default=None, help="时间限制（秒），默认 30 / time limit in seconds")

    sub = command("export", cmd_export, "导出指标文件（xlsx/csv/parquet），任务见 exports.yml / indicator exports")
    actions = sub.add_subparsers(dest="export_command", required=True, metavar="run|list")
    run = actions.add_parser("run", help="立即运行一个导出任务 / run one export job now")
    run.add_argument("job", help="任务名，见 lvzhi export list / job name")
    run.add_argument("--as-of", type=_date, default=None, help="核对已发布数据的统计日 / check the published as-of date")
    actions.add_parser("list", help="任务、下次运行时间与上次结果 / jobs, next runs, last results")
    sub = command("schedule", cmd_schedule, "按 exports.yml 定时运行导出任务（常驻进程）/ run export jobs on schedule")
    sub.add_argument("--once", action="store_true", help="只运行此刻到期的任务后退出（供 cron / systemd timer）")

    sub = command("audit", cmd_audit, "审计日志 / the audit log")
    checks = sub.add_subparsers(dest="audit_command", required=True, metavar="verify")
    verify = checks.add_parser("verify", help="校验审计日志是否被修改或删除（0 完整，1 被改动）/ verify the audit log")
    verify.add_argument("--home", default=argparse.SUPPRESS, help="数据目录 / state folder")
    command("publish", cmd_publish, "发布当前工作仓库 / publish the working warehouse")
    command("rollback", cmd_rollback, "回退到上一个已发布版本 / switch readers to the previous version")
    command("status", cmd_status, "显示工作仓库与已发布版本 / working and published versions")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.function(args)
    except warehouse.WarehouseBusy as busy:
        print(f"✗ {busy}", file=sys.stderr)
        return 3
    except FileNotFoundError as missing:
        print(f"✗ {missing}", file=sys.stderr)
        return 1
    except (OSError, duckdb.Error) as error:
        print(f"✗ {_explain(error)}", file=sys.stderr)
        return 1


def _explain(error: Exception) -> str:
    text = str(error)
    if "No space left" in text or getattr(error, "errno", None) == 28:
        return f"磁盘空间不足，操作未完成，已发布的数据保持不变（{text.splitlines()[0]}）"
    return f"读写失败，操作未完成，已发布的数据保持不变（{type(error).__name__}: {text.splitlines()[0] if text else ''}）"


if __name__ == "__main__":
    sys.exit(main())
