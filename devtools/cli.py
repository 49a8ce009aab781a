"""lvzhi-dev — developer commands beside the product: sample files and the whole demo.

`lvzhi-dev synth --out DIR` writes sample prefecture files; `lvzhi-dev demo` runs
synth → lvzhi ingest → lvzhi build → a first admin → lvzhi serve (what `make demo` calls).
"""

from __future__ import annotations

import argparse
import secrets
import socket
import sys
from datetime import date
from pathlib import Path

from access import users
from devtools.synth import generate
from lvzhi import cli
from lvzhi.home import DEFAULT_HOME, Home


def cmd_synth(args) -> int:
    if args.scale == "nation":
        from devtools.synth.nation import generate_nation

        manifest = generate_nation(Path(args.out), args.fraction, args.seed, progress=print)
        print(f"已生成全国规模（比例 {args.fraction}）：{manifest['prefectures']} 个地市、"
              + "、".join(f"{k} {v:,} 行" for k, v in manifest["rows"].items()) + f" → {args.out}（原始层 Parquet）")
        return 0
    manifest = generate(Path(args.out), args.scale, args.seed, clean=args.clean, progress=print)
    rows = sum(manifest["rows"].values())
    print(f"已生成 {len(manifest['files'])} 个文件、{rows:,} 行 → {args.out}")
    return 0


def port_is_free(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def cmd_demo(args) -> int:
    # Checked first: a busy port used to surface only after minutes of building, in Streamlit's English.
    if not port_is_free(args.address, args.port):
        print(f"✗ 端口 {args.port} 已被占用（也许另一个仪表盘正在运行）。请换一个端口：make demo PORT={args.port + 1}"
              f"（或 lvzhi-dev demo --port {args.port + 1}）", file=sys.stderr)
        return 1
    home = Home.at(args.home)
    print(f"数据目录 / home: {home.root}")
    inbox = home.root / "inbox"
    cmd_synth(argparse.Namespace(out=str(inbox), scale=args.scale, seed=1, clean=False))
    common = ["--home", str(home.root)]
    if cli.main([*common, "ingest", str(inbox)]) == 2:
        return 2
    if cli.main([*common, "build", "--as-of", args.as_of.isoformat()]):
        return 1
    demo_admin(home)
    return cli.main([*common, "serve", "--address", args.address, "--port", str(args.port)])


def demo_admin(home: Home) -> None:
    """A first admin with a random password (no password is ever fixed in the code), shown once."""
    note = home.config_dir / "demo_admin.txt"
    if not users.any_users(home):
        password = secrets.token_urlsafe(12)
        users.add(home, "admin", "admin", password, display_name="演示管理员", actor="cli:demo")
        note.write_text(f"用户名 admin\n密码 {password}\n")
        note.chmod(0o600)
    if note.exists():
        print(f"登录仪表盘 / log in: {note.read_text().strip().replace(chr(10), '，')}（保存在 {note}）")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="lvzhi-dev", description="lvzhi 开发工具：模拟报送文件与完整演示")
    commands = top.add_subparsers(dest="command", required=True, metavar="命令")

    def scale_option(sub, nation=False):
        sub.add_argument("--scale", choices=("tiny", "demo", "region", *(("nation",) if nation else ())), default="demo",
                         help="规模：tiny（测试）、demo（约5千代表）、region（全区6万代表）"
                         + ("、nation（全国277万代表、31省，原始层 Parquet，不经文件校验）" if nation else ""))

    sub = commands.add_parser("synth", help="生成14个地州市的模拟报送文件 / write sample submission files")
    sub.add_argument("--out", required=True, help="输出目录 / output folder")
    scale_option(sub, nation=True)
    sub.add_argument("--fraction", type=float, default=1.0,
                     help="nation：抽取全国的比例（0.1 = 27.7万代表）/ share of the nation to draw")
    sub.add_argument("--seed", type=int, default=1)
    sub.add_argument("--clean", action="store_true", help="不注入错误行 / no deliberately bad rows")
    sub.set_defaults(function=cmd_synth)

    sub = commands.add_parser("demo", help="模拟数据→导入→构建→启动仪表盘 / the whole demo")
    sub.add_argument("--home", default=str(DEFAULT_HOME), help="数据目录 / state folder")
    sub.add_argument("--address", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8501)
    scale_option(sub)
    sub.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 12, 31), help="统计日 YYYY-MM-DD")
    sub.set_defaults(function=cmd_demo)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.function(args)


if __name__ == "__main__":
    sys.exit(main())
