"""lvzhi 命令行 — the command line: synth → ingest → build → indicators / serve."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from access import audit, users
from ingest.run import exit_code, ingest
from lvzhi import warehouse
from lvzhi.build import CONTRACT_COLUMNS, build, indicator_values
from lvzhi.home import DEFAULT_HOME, PROJECT_DIR, Home


class HomeMissing(Exception):
    """The state folder named by --home / $LVZHI_HOME does not exist (and this command makes none)."""


def _home(args, create: bool = False) -> Home:
    """The installation's state folder. Only commands that start one (ingest, user add) create it:
    a typo in --home, or a command run elsewhere, must not answer from a new empty folder."""
    root = Path(args.home).resolve()
    if not root.is_dir():
        if not create:
            raise HomeMissing(
                f"数据目录 {root} 不存在。请用 --home 指定已有的数据目录（或设置 LVZHI_HOME）；"
                f"新的数据目录由 lvzhi --home {root} ingest <文件> 或 lvzhi --home {root} user add … 创建")
        print(f"新建数据目录 / new home: {root}", file=sys.stderr)
    return Home.at(root)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD，例如 2025-12-31（收到“{text}”）") from None


def cmd_ingest(args) -> int:
    home = _home(args, create=True)
    results = ingest(home, [Path(p) for p in args.paths], args.submitted_on)
    loaded = [r for r in results if r.status == "loaded"]
    print(
        f"共 {len(results)} 个文件：入库 {len(loaded)} 个，跳过 {sum(r.status == 'duplicate' for r in results)} 个，"
        f"拒收 {sum(r.status == 'rejected' for r in results)} 个，"
        f"非数据文件 {sum(r.status == 'skipped' for r in results)} 个；"
        f"入库 {sum(r.rows_loaded for r in loaded):,} 行，隔离 {sum(r.rows_quarantined for r in loaded):,} 行。"
    )
    for result in results:
        if result.status == "skipped":
            print(f"未导入：{result.message}")
    if any(r.rows_quarantined or r.status == "rejected" or r.notes for r in results):
        print(f"错误报告（可交给报送人员修改）：{home.reports_dir}")
    return exit_code(results)


def cmd_export_raw(args) -> int:
    from lvzhi.spark import export_raw, raw_dir

    home = _home(args)
    out = Path(args.out).resolve() if args.out else raw_dir(home)
    with warehouse.writer_lock(home):
        counts = export_raw(home, out)
    print(f"原始层已导出为 Parquet（按类别/州市分区）：{out}")
    for kind, rows in counts.items():
        print(f"  {kind:<12} {rows:>12,} 行")
    return 0


def cmd_template(args) -> int:
    from ingest.template import write_template

    path = write_template(Path(args.out))
    print(f"已生成报送模板：{path}")
    return 0


def cmd_build(args) -> int:
    home = _home(args)
    print(f"构建模型（统计日 {args.as_of}）…")
    result = build(home, args.as_of, args.select, full=args.full, engine=args.engine, data_tests=not args.skip_tests)
    if result.plan is not None and result.plan.nothing_new:
        print("✓ 自上次构建以来没有新导入的数据，已发布版本保持不变（lvzhi build --full 可强制完整构建）")
        return 0
    if not result.success:
        print("✗ 构建失败，已发布的数据保持不变：", file=sys.stderr)
        for failure in result.failures:
            print(f"  - {failure}", file=sys.stderr)
        if any("No space left" in failure for failure in result.failures):
            print("  磁盘空间不足：请清理空间后重新运行 lvzhi build", file=sys.stderr)
        return 1
    audit.record(home, audit.terminal_user(), "publish", version=result.published.name, as_of=str(args.as_of),
                 select=result.plan.select if result.plan else args.select, engine=args.engine)
    print(f"✓ 构建完成 {result.seconds:.1f}s，已发布 {result.published.name}")
    return 0


def cmd_watch(args) -> int:
    from lvzhi.watch import watch

    inbox = Path(args.inbox)
    if not inbox.is_dir():
        print(f"✗ 收件目录 {inbox} 不存在", file=sys.stderr)
        return 1
    try:
        watch(_home(args, create=True), inbox, args.as_of, args.interval)
    except KeyboardInterrupt:
        print("已停止监视 / stopped")
    return 0


def cmd_indicators(args) -> int:
    home = _home(args)
    values = indicator_values(home)
    if args.as_of and values.height and values["as_of"][0] != args.as_of:
        print(f"注意：已发布数据的统计日是 {values['as_of'][0]}，不是 {args.as_of}；请先运行 lvzhi build --as-of {args.as_of}",
              file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(values.select(CONTRACT_COLUMNS).write_csv())
    else:
        import polars as pl

        with pl.Config(tbl_rows=args.limit, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=40):
            print(values.filter(pl.col("period_type") == "year").select(
                "indicator_name", "scope_name", "period_label", "numerator", "denominator", "value", "status"))
    return 0


def cmd_serve(args) -> int:
    home = _home(args)
    # dashboard.serve warms every page up, then runs `streamlit run dashboard/app.py` with these options.
    command = [
        sys.executable, "-m", "dashboard.serve",
        "--server.address", args.address, "--server.port", str(args.port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        "--", "--home", str(home.root),
    ]
    print(f"仪表盘：http://{args.address}:{args.port}")
    # From the repository folder, so Streamlit reads its theme in .streamlit/config.toml.
    return subprocess.call(command, cwd=PROJECT_DIR)


def cmd_sql(args) -> int:
    from access import sql

    home = _home(args)
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

    home = _home(args)
    if args.export_command == "run":
        return exports_cli.export_run(home, args.job, args.as_of)
    return exports_cli.export_list(home)


def cmd_report(args) -> int:
    from reports import cli as reports_cli

    return reports_cli.report(_home(args), args.report_kind, args.year, args.prefecture, Path(args.out), args.as_of,
                              pdf=getattr(args, "pdf", False))


def cmd_schedule(args) -> int:
    from exports import cli as exports_cli

    return exports_cli.schedule(_home(args), args.once)


def cmd_publish(args) -> int:
    home = _home(args)
    with warehouse.writer_lock(home):
        path = warehouse.publish(home, {"as_of": None, "manual": True})
    audit.record(home, audit.terminal_user(), "publish", version=path.name, manual=True)
    print(f"已发布 {path.name}")
    return 0


def cmd_rollback(args) -> int:
    home = _home(args)
    path = warehouse.rollback(home)
    audit.record(home, audit.terminal_user(), "rollback", to=path.name)
    print(f"已回退到 {path.name}")
    return 0


def cmd_audit(args) -> int:
    """lvzhi audit verify: 0 when the audit log is intact (a torn last line after a crash is reported but
    tolerated), 1 when a line was removed or changed, naming the first bad line."""
    verdict = audit.check(_home(args))
    if verdict.status == "broken":
        print(f"✗ {verdict.message}", file=sys.stderr)
        return 1
    print(f"{'✓' if verdict.status == 'intact' else '!'} {verdict.message}")
    return 0


def cmd_status(args) -> int:
    home = _home(args)
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

    home = _home(args, create=args.op == "add")
    actor = audit.terminal_user()
    try:
        if args.op == "add":
            known = set(pl.read_csv(PROJECT_DIR / "data" / "seeds" / "prefectures.csv",
                                    schema_overrides={"prefecture_code": pl.String})["prefecture_code"])
            user = users.add(home, args.name, args.role, _new_password(args, args.name), args.prefecture or [],
                             args.display_name or "", known, actor)
            scope = "、".join(user.prefectures) if user.prefectures else "全区"
            print(f"✓ 已添加用户 {user.name}（{user.role_label()}，范围：{scope}）")
        elif args.op == "list":
            listed = users.load(home)
            if not listed:
                print(f"数据目录 {home.root} 中尚无用户：用 lvzhi --home {home.root} user add NAME --role admin 创建第一个管理员")
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
            known = set(pl.read_csv(PROJECT_DIR / "data" / "seeds" / "prefectures.csv",
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

    sub = command("ingest", cmd_ingest, "导入报送文件（文件或目录）/ load files or folders")
    sub.add_argument("paths", nargs="+", help="文件或目录 / files or folders")
    sub.add_argument("--submitted-on", type=_date, default=None, help="报送日期，默认今天 / submission date")

    sub = command("template", cmd_template, "生成空白报送模板（xlsx）/ write the blank submission workbook")
    sub.add_argument("--out", required=True, help="输出文件，例如 模板.xlsx")

    sub = command("build", cmd_build, "运行 dbt 计算指标并发布 / build the models and publish")
    sub.add_argument("--as-of", type=_date, default=date.today(), help="统计日 YYYY-MM-DD，默认今天")
    sub.add_argument("--select", default=None, help="只构建部分模型（dbt 选择语法）")
    sub.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                     help="计算引擎：duckdb（默认）或 spark（同一套模型，需 pip install -e '.[spark]' 与 Java 17）")
    sub.add_argument("--skip-tests", action="store_true", help="不运行 dbt 数据测试 / models only, no dbt data tests")
    sub.add_argument("--full", action="store_true",
                     help="完整构建全部模型（默认只重建上次构建以来新数据涉及的部分）/ rebuild everything")

    sub = command("export-raw", cmd_export_raw,
                  "原始层导出为 Parquet（<类别>/prefecture_code=<代码>/）/ write the raw layer as Parquet")
    sub.add_argument("--out", default=None, help="输出目录，默认 <home>/lake/raw")

    sub = command("watch", cmd_watch, "监视收件目录：新文件自动导入、构建并发布 / ingest and publish files as they arrive")
    sub.add_argument("inbox", help="收件目录 / the folder clerks' files arrive in")
    sub.add_argument("--as-of", type=_date, default=None, help="统计日，默认每次刷新时的今天")
    sub.add_argument("--interval", type=float, default=0.25, help="检查间隔（秒）")

    sub = command("indicators", cmd_indicators, "输出指标表 / print indicator_values")
    sub.add_argument("--as-of", type=_date, default=None, help="核对已发布数据的统计日")
    sub.add_argument("--format", choices=("table", "csv"), default="table")
    sub.add_argument("--limit", type=int, default=60, help="表格最多显示行数")

    sub = command("serve", cmd_serve, "启动仪表盘 / serve the dashboard")
    sub.add_argument("--address", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8501)

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
    run.add_argument("--home", default=argparse.SUPPRESS, help="数据目录 / state folder")
    run.add_argument("job", help="任务名，见 lvzhi export list / job name")
    run.add_argument("--as-of", type=_date, default=None, help="核对已发布数据的统计日 / check the published as-of date")
    listing = actions.add_parser("list", help="任务、下次运行时间与上次结果 / jobs, next runs, last results")
    listing.add_argument("--home", default=argparse.SUPPRESS, help="数据目录 / state folder")
    sub = command("report", cmd_report, "报告初稿：年度报告代表工作部分、代表建议办理情况报告 / report drafts (Word, xlsx)")
    kinds = sub.add_subparsers(dest="report_kind", required=True, metavar="annual|handling")
    for kind, text, suffixes in (("annual", "年度报告代表工作部分初稿（docx，可加 --pdf）/ annual deputy-work section", ".docx"),
                                 ("handling", "代表建议办理情况报告（docx 或 xlsx）/ suggestion-handling report", ".docx|.xlsx")):
        one = kinds.add_parser(kind, help=text, description=text)
        one.add_argument("--home", default=argparse.SUPPRESS, help="数据目录 / state folder")
        one.add_argument("--year", type=int, required=True, help="年度，例如 2024")
        one.add_argument("--prefecture", default=None, metavar="CODE", help="地州市代码，默认全区 / prefecture, default region")
        one.add_argument("--as-of", type=_date, default=None, help="核对已发布数据的统计日 / check the published as-of date")
        one.add_argument("--out", required=True, help=f"输出文件（{suffixes}）")
        if kind == "annual":
            one.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF / also write a PDF")
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
    except HomeMissing as missing:
        print(f"✗ {missing}", file=sys.stderr)
        return 1
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
