"""`policysearch` command line: thin click commands over the library functions."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import PolicySearchError

DEFAULT_INDEX = "var/index"
log = logging.getLogger("policysearch")


class _Fail(click.ClickException):
    """A readable error without a traceback (exit status 1)."""


def _die_on_errors(fn):
    """Turn our own readable errors into a one-line message and exit code 1."""

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PolicySearchError as exc:
            raise _Fail(str(exc)) from None

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policysearch")
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("POLICYSEARCH_INDEX", DEFAULT_INDEX),
    show_default=f"$POLICYSEARCH_INDEX or {DEFAULT_INDEX}",
    help="Index folder.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path, verbose: bool) -> None:
    """Search Chinese government meeting minutes and policy documents."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = {"index": index_dir}


def _ocr_options(command):
    """OCR of scanned PDF pages: off for a quick run, or capped in pages and seconds."""
    command = click.option("--ocr-page-seconds", type=float, default=60.0, show_default=True,
                           help="Give up on a scan when one page takes longer to read.")(command)
    command = click.option("--ocr-pages", type=int, default=50, show_default=True,
                           help="Skip scans with more pages to read by OCR.")(command)
    return click.option("--no-ocr", is_flag=True,
                        help="Do not read scanned PDF pages by OCR (faster; such files are skipped).")(command)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--workers", type=int, default=None, help="Segmentation and indexing processes (default: CPU count, at most 4).")
@click.option("--lock-timeout", type=float, default=30.0, show_default=True,
              help="Seconds to wait for another ingest to release the index.")
@click.option("--max-mb", type=float, default=50.0, show_default=True, help="Skip files larger than this (PDF; plain text and HTML at most 20 MB, a JSON line 16 MB).")
@click.option("--rebuild", is_flag=True,
              help="Delete the existing index first (needed after a format or dictionary change).")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@_ocr_options
@click.pass_obj
@_die_on_errors
def ingest(obj, paths: tuple[Path, ...], workers, lock_timeout: float, max_mb: float, rebuild: bool,
           no_progress: bool, no_ocr: bool, ocr_pages: int, ocr_page_seconds: float) -> None:
    """Extract, parse and index files and folders (recursive) in one commit."""
    from .extract import Limits
    from .pipeline import ingest as run_ingest

    limits = Limits(max_bytes=int(max_mb * 1e6), ocr=not no_ocr, ocr_max_pages=ocr_pages,
                    ocr_page_timeout=ocr_page_seconds)
    report = run_ingest(
        paths, obj["index"], limits=limits, lock_timeout=lock_timeout,
        workers=workers, progress=not no_progress and sys.stderr.isatty(), rebuild=rebuild,
    )
    click.echo(report.summary())


def _header_lines(doc) -> list[str]:
    """Jurisdiction and meeting lines of ``parse`` (empty fields left out)."""
    lines = []
    if j := doc.jurisdiction:
        where = " > ".join(x for x in (j.province, j.prefecture, j.county) if x)
        extra = ", ".join(x for x in (j.level, where, j.code) if x)
        lines.append(f"jurisdiction: {j.name}" + (f" ({extra})" if extra else ""))
    if m := doc.meeting:
        chair = f"{m.chair_title or ''}{m.chair}{'（受委托）' if m.acting else ''}" if m.chair else "-"
        lines.append(f"meeting: {m.type or m.name or '-'} No.{m.number or '-'}  chair: {chair}  date: {m.date or '-'}")
        if m.date_problem:
            lines.append(f"date problem: {m.date_problem}")
    return lines


@cli.command("parse")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the structured record as JSON.")
@_ocr_options
@_die_on_errors
def parse_cmd(path: Path, as_json: bool, no_ocr: bool, ocr_pages: int, ocr_page_seconds: float) -> None:
    """Show the structured record of one file, without indexing it."""
    from .extract import Limits, extract_path
    from .pipeline import read_document

    limits = Limits(ocr=not no_ocr, ocr_max_pages=ocr_pages, ocr_page_timeout=ocr_page_seconds)
    extracted, problems = extract_path(path, limits)
    for p in problems:
        click.echo(f"{'skipped' if p.skipped else 'note'} {p}", err=True)
    docs = [read_document(ex) for ex in extracted]
    if as_json:
        out = [d.to_dict() for d in docs]
        click.echo(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=2))
    else:
        for d in docs:
            click.echo(f"{d.doc_id}  [{d.kind}] {d.title}  {d.date or ''}  {d.doc_number or ''}")
            for line in _header_lines(d):
                click.echo(f"  {line}")
            for it in d.items:
                click.echo(f"  {it.label}、{it.heading}")
                for dc in it.decisions:
                    lead = f" → {dc.lead_department}" if dc.lead_department else ""
                    kind = "决定" if dc.is_decision else "表述"
                    typed = f" [{dc.action_type} {kind}]" if dc.action_type else ""
                    click.echo(f"    {dc.label} {dc.action or ''}{typed}{lead}")
    skipped = [p for p in problems if p.skipped]
    if skipped and not docs:
        raise _Fail(str(skipped[0]))


@cli.command()
@click.argument("query", required=False, default="")
@click.option("--dept", "departments", multiple=True,
              help="涉及部门: department named, leading or issuing (name or abbreviation); repeatable.")
@click.option("--lead", "leads", multiple=True, help="牵头部门: lead department of a decision; repeatable.")
@click.option("--issuer", "issuers", multiple=True, help="发文机关: body that issued the document; repeatable.")
@click.option("--year", "years", multiple=True, type=int, help="Year; repeatable.")
@click.option("--year-from", type=int)
@click.option("--year-to", type=int)
@click.option("--topic", "topics", multiple=True)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["minutes", "report", "policy", "other"]))
@click.option("--meeting", "meetings", multiple=True)
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "indexed"]), default="relevance", show_default=True)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=10, show_default=True)
@click.option("--region", "jurisdictions", multiple=True,
              help="Place of the body, as a path (山西省, 山西省 › 吕梁市); repeatable.")
@click.option("--dept-type", "dept_types", multiple=True, help="Department type (市场监管, 发展改革 …); repeatable.")
@click.option("--level", "legal_levels", multiple=True, help="效力级别 (法律, 行政法规, 地方性法规 …); repeatable.")
@click.option("--group", type=click.Choice(["doc", "para"]), default="doc", show_default=True,
              help="One result per document, or every matching paragraph.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the web API's shape).")
@click.pass_obj
@_die_on_errors
def search(obj, query: str, departments, leads, issuers, years, year_from, year_to, topics, kinds, meetings, sort, page,
           per_page, jurisdictions, dept_types, legal_levels, group: str, as_json: bool) -> None:
    """Search the index: words are ANDed; "phrases", OR, -word and field:value work."""
    from .engine import IndexStore
    from .query import SearchParams
    from .query import search as run_search

    store = IndexStore.open(obj["index"])
    params = SearchParams(
        q=query, departments=list(departments), leads=list(leads), issuers=list(issuers), years=list(years), year_from=year_from, year_to=year_to,
        topics=list(topics), kinds=list(kinds), meetings=list(meetings), sort=sort, page=page,
        per_page=per_page, jurisdictions=list(jurisdictions), dept_types=list(dept_types), group=group,
        legal_levels=list(legal_levels),
    )
    result = run_search(store, params)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    counted = f"{result['total_docs']} documents, " if group == "doc" else ""
    click.echo(f"{counted}{result['total']} paragraphs ({result['took_ms']:.0f} ms)")
    if result.get("notice"):
        click.echo(result["notice"])
    if result.get("suggestion"):
        click.echo(f"您是不是要找：{result['suggestion']}")
    for i, hit in enumerate(result["hits"], start=(page - 1) * per_page + 1):
        click.echo(f"{i:3}. {hit['citation'] or hit['title']}  {hit['date'] or ''}  {hit['doc_id']}#{hit['para_id']}")
        click.echo(f"     {hit['text'][:100]}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@_die_on_errors
def stats(obj, as_json: bool) -> None:
    """Documents, paragraphs, departments, years and size of the index."""
    from .engine import IndexStore

    st = IndexStore.open(obj["index"]).stats()
    if as_json:
        click.echo(json.dumps(st, ensure_ascii=False, indent=2))
        return
    for key, value in st.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        click.echo(f"{key:12} {value}")


@cli.command()
@click.argument("doc_ids", nargs=-1, required=True)
@click.option("--lock-timeout", type=float, default=30.0, show_default=True)
@click.pass_obj
@_die_on_errors
def remove(obj, doc_ids: tuple[str, ...], lock_timeout: float) -> None:
    """Delete documents (all their paragraphs) from the index."""
    from .engine import IndexStore

    # The writer removes a failed commit's files first: they may hold the space this one needs.
    n = IndexStore.open(obj["index"], readonly=False).remove(list(doc_ids), lock_timeout=lock_timeout)
    click.echo(f"removed {n} document(s)")
    if n < len(doc_ids):
        raise _Fail(f"{len(doc_ids) - n} of the given ids were not in the index")


@cli.command()
@click.option("--fix", is_flag=True, help="Remove the orphan files found.")
@click.pass_obj
@_die_on_errors
def doctor(obj, fix: bool) -> None:
    """Find (and with --fix remove) files a failed or killed commit left in the index folder.

    Exit status 1 when orphans remain. Refuses while an ingest holds the index.
    """
    from .engine.orphans import clean
    from .names import printable

    report = clean(Path(obj["index"]), fix=fix)
    click.echo(f"index {printable(str(obj['index']))}: generation {report.generation}, "
               f"{len(report.orphans)} orphan(s), {report.bytes / 1e6:.1f} MB")
    removed = {o.name for o in report.removed}
    for orphan in report.orphans:
        state = "removed" if orphan.name in removed else "orphan"
        click.echo(f"  {state} {printable(orphan.name)}: {orphan.reason} ({orphan.bytes:,} bytes)")
    for orphan, reason in report.failed:
        click.echo(f"  could not remove {printable(orphan.name)}: {reason}")
    if report.failed or (report.orphans and not fix):
        raise _Fail("orphan files remain" + ("" if fix else "; run `policysearch doctor --fix` to remove them"))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", "threads", default=lambda: os.cpu_count() or 2, show_default="CPU count", type=int,
              help="Worker threads (searching is CPU-bound: more threads than cores only queue).")
@click.option("--base-url", default=None, show_default="http://<host>:<port>",
              help="Public URL of the site, for absolute links (feeds, permalinks); never taken from requests.")
@click.option("--idle-timeout", default=15, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds before a silent connection is closed.")
@click.option("--export-slots", type=click.IntRange(1, 64), default=None, show_default="workers/4, at least 1",
              help="CSV exports running at once; more are refused with 503, so searches keep their threads.")
@click.option("--export-seconds", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="Time budget of one export; it stops there and says so in its last row.")
@click.option("--result-cache", default=256, show_default=True, type=click.IntRange(0, 100_000),
              help="Search answers kept for the index generation being served (0: none).")
@click.pass_obj
@_die_on_errors
def serve(obj, host: str, port: int, threads: int, base_url: str | None, idle_timeout: int,
          export_slots: int | None, export_seconds: int, result_cache: int) -> None:
    """Serve the web UI and JSON API with a production WSGI server."""
    from webui import create_app
    from webui.exports import slots_for
    from webui.server import serve as run_server

    if base_url is None:
        shown = f"[{host}]" if ":" in host else host
        base_url = f"http://{shown}:{port}"
        if host in ("0.0.0.0", "::", ""):
            log.warning("listening on all interfaces: set --base-url so links name a reachable host")
    slots = export_slots or slots_for(threads)
    if slots >= threads:
        log.warning("%d export slots for %d worker threads: exports can hold every thread", slots, threads)
    app = create_app({"INDEX_DIR": str(obj["index"]), "PUBLIC_BASE_URL": base_url,
                      "EXPORT_SLOTS": slots, "EXPORT_SECONDS": export_seconds, "RESULT_CACHE": result_cache})
    run_server(app, host=host, port=port, threads=threads, idle_timeout=idle_timeout)


def main() -> None:
    cli(prog_name="policysearch")
