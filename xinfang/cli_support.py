"""What makes the ``xinfang`` command speak to a person: usage errors in Chinese and English,
options that take several values, and every failure turned into a message and an exit code
(2 for what the user can fix, 1 for the environment), never a traceback."""
from __future__ import annotations

import errno
import logging
import re
import sys
from contextlib import contextmanager
from typing import Iterator

import click

from .errors import XinfangError, printable, redact

log = logging.getLogger("xinfang")


# =============================================================================================
# usage errors in Chinese and English


class BilingualUsageError(click.UsageError):
    """A click usage error whose message reads in Chinese, then English (exit code 2)."""

    def show(self, file=None) -> None:
        to = {"file": file} if file is not None else {"err": True}
        if self.ctx is not None:
            helpopt = (self.ctx.help_option_names or ["--help"])[0]
            click.echo(f"{self.ctx.get_usage()}\n试用 / Try '{self.ctx.command_path} {helpopt}' "
                       "查看帮助 / for help.\n", color=self.ctx.color, **to)
        click.echo(f"错误 / Error: {self.format_message()}", **to)


#: Click's English usage messages that carry no parameter object, in Chinese.
_PLAIN = [
    (re.compile(r"No such command '?([^'.]*)'?"), "没有命令「{0}」"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "多余的参数：{0}"),
]


def bilingual(exc: click.UsageError) -> click.UsageError:
    """``exc`` with a Chinese message before click's English one ("缺少选项 --year / Missing option '--year'.")."""
    if isinstance(exc, BilingualUsageError):
        return exc
    english = exc.format_message()
    param = getattr(exc, "param", None)
    name = " / ".join(param.opts) if param is not None and getattr(param, "opts", None) else None
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (param.param_type_name if param is not None else "parameter")
        zh = f"缺少{'选项' if kind == 'option' else '参数'} {name or ''}".rstrip()
    elif isinstance(exc, click.BadParameter):
        zh = f"{name or exc.param_hint or '参数'} 的值无效"
    elif isinstance(exc, click.NoSuchOption):
        zh = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            zh += f"（是否想用 {', '.join(sorted(exc.possibilities))}？）"
    elif isinstance(exc, click.BadOptionUsage):
        zh = f"选项 {exc.option_name} 用法有误"
    else:
        zh = "命令行用法有误"
        for pattern, text in _PLAIN:
            m = pattern.search(english)
            if m:
                zh = text.format(*m.groups())
                break
    new = BilingualUsageError(f"{zh} / {english}", ctx=exc.ctx)
    new.__cause__ = exc.__cause__
    return new


class Command(click.Command):
    """A command whose usage errors are bilingual, and whose options in :attr:`variadic` take
    several values: ``--years 2022 2023`` means ``--years 2022 --years 2023``."""

    variadic: tuple[str, ...] = ()

    def __init__(self, *args, variadic: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.variadic = tuple(variadic)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, spread(args, self.variadic))
        except click.UsageError as exc:
            raise bilingual(exc) from None


def spread(args: list[str], options: tuple[str, ...]) -> list[str]:
    """Repeat a variadic option before each of the values that follow it.

    >>> spread(["--years", "2022", "2023", "--force"], ("--years",))
    ['--years', '2022', '--years', '2023', '--force']
    >>> spread(["--only", "城南街道", "--", "x"], ("--only",))
    ['--only', '城南街道', '--', 'x']
    """
    out: list[str] = []
    current, fresh = None, False
    for i, arg in enumerate(args):
        if arg == "--":
            return out + args[i:]
        if arg.startswith("-"):
            current, fresh = (arg, True) if arg in options else (None, False)
        elif current is not None:
            if fresh:
                fresh = False
            else:
                out.append(current)
        out.append(arg)
    return out


class Group(click.Group):
    """The ``xinfang`` group: bilingual usage errors, for itself and its commands, and one
    error handler (:func:`friendly_errors`) around every command it runs, so that no
    command, present or future, prints a traceback."""

    command_class = Command

    def invoke(self, ctx: click.Context):
        with friendly_errors():
            return super().invoke(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise bilingual(exc) from None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            raise bilingual(exc) from None


class Years(click.ParamType):
    """Years, one per value or several joined by commas (``2022,2023``)."""

    name = "years"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            years = tuple(int(v) for v in str(value).replace("，", ",").split(",") if v.strip())
        except ValueError:
            self.fail(f"「{value}」不是年份 / {value!r} is not a year", param, ctx)
        if not years or not all(1900 <= y <= 2200 for y in years):
            self.fail(f"「{value}」不是年份 / {value!r} is not a year", param, ctx)
        return years


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Every failure is a message, never a traceback: XinfangError (bad input or parameters)
    exits 2; OSError exits 1 for the environment (read-only folder, disk full, permission)
    and 2 for a path the user named wrongly (see :func:`_os_error`); anything else is an
    internal error, exit 1 (the traceback only with ``-v``). Messages are redacted
    (:func:`xinfang.errors.redact`): no ID or phone number reaches the terminal, and no
    escape sequence either (:func:`xinfang.errors.printable`).

    click's own exceptions (usage errors, ``--help``'s exit, an abort) pass through to click,
    which prints them."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except XinfangError as exc:
        click.echo(f"错误 / error: {printable(redact(str(exc)))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断 / interrupted", err=True)
        sys.exit(130)
    except OSError as exc:
        message, code = _os_error(exc)
        log.debug("", exc_info=True)
        click.echo(f"错误 / error: {printable(redact(message))}", err=True)
        sys.exit(code)
    except MemoryError:
        click.echo("错误 / error: 内存不足 / out of memory", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - a bug: a message, and the traceback with -v
        log.debug("", exc_info=True)
        click.echo(f"内部错误 / internal error: {type(exc).__name__}: {printable(redact(str(exc)))[:500]}"
                   "（加 -v 查看详情 / run with -v for details）", err=True)
        sys.exit(1)


_OS_REASONS = {
    errno.ENOSPC: ("磁盘已满", "disk full"),
    errno.EROFS: ("文件系统只读", "read-only file system"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("操作不被允许", "operation not permitted"),
    errno.ENAMETOOLONG: ("文件名过长", "file name too long"),
    errno.ENOENT: ("文件或文件夹不存在", "no such file or folder"),
    errno.EISDIR: ("这是文件夹，不是文件", "is a folder, not a file"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "not a folder"),
    errno.EMFILE: ("打开的文件过多", "too many open files"),
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = ("超出磁盘配额", "disk quota exceeded")
#: errors in what the user named (a path, a name): exit 2, like bad input; the rest is the
#: environment (a full disk, a read-only or forbidden folder): exit 1
_USER_ERRNOS = {errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG}


def _os_error(exc: OSError) -> tuple[str, int]:
    """A bilingual message and the exit code for an OSError."""
    zh, en = _OS_REASONS.get(exc.errno, ("系统错误", exc.strerror or type(exc).__name__))
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} → {exc.filename2}"
    code = 2 if exc.errno in _USER_ERRNOS else 1
    hint = ("请检查路径 / check the path" if code == 2 else
            "请检查输出文件夹的空间与写权限 / check free space and write permission of the output folder")
    text = f"{zh} / {en}" + (f"：{where}" if where else "") + f"（{hint}）"
    return text, code
