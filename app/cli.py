"""The ``glose`` command line. ``glose --help`` lists the commands.

Exit status: 0 success, 1 some input failed (the rest was done), 2 usage or
environment error (bad database, missing model).
"""
from __future__ import annotations

import argparse
import codecs
import os
import sqlite3
import sys
import time
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Callable

from rich.console import Console

from glose.db.connection import open_db
from glose.errors import GloseError, UnknownLayer, UsageError, describe
from glose.plaintext import visible
from glose.settings import Settings
from glose.vocabulary import ACCEPTED, GOLD, SUGGESTIONS

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def name(value: str) -> str:
    """An annotator or layer name: printable, one line, not too long."""
    if not value.strip() or visible(value) != value or len(value) > 100:
        raise argparse.ArgumentTypeError(f"{visible(value)!r} is not a usable name (printable, 1 to 100 characters)")
    return value


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{visible(value)!r} is not a whole number of 1 or more")
    return number


def port(value: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError(f"{visible(value)!r} is not a port (1 to 65535)")
    return number


def processes(value: str) -> int | str:
    """``auto`` or a whole number of processes."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        return positive(value)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (or auto)") from exc


def fraction(value: str) -> float:
    """A share strictly between 0 and 1, e.g. 0.2."""
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number < 1:
        raise argparse.ArgumentTypeError(f"{visible(value)!r} is not a fraction between 0 and 1 (e.g. 0.2)")
    return number


def _split_options(cmd: argparse.ArgumentParser) -> None:
    """--dev and --seed: how --format spacy (and train) split the documents."""
    cmd.add_argument("--dev", type=fraction, default=0.2, metavar="F",
                     help="spaCy corpus (--format spacy, train): share of the documents held out in dev.spacy"
                          " to evaluate on (default: 0.2; at least one document each side)")
    cmd.add_argument("--seed", type=int, default=0, metavar="N",
                     help="spaCy corpus: seed of the document shuffle and of training (default: 0)")


def names_list(value: str) -> list[str]:
    """``A,B,C``: layer names."""
    return [name(part.strip()) for part in value.split(",") if part.strip()]


def ids_list(value: str) -> list[int]:
    """``1,2,3``: document ids."""
    return [positive(part.strip()) for part in value.split(",") if part.strip()]


def _files(action: argparse.Action) -> None:
    """Shell completion offers file names for this argument."""
    import shtab

    action.complete = shtab.FILE  # type: ignore[attr-defined]


def _global_options(parser: argparse.ArgumentParser, default) -> None:
    _files(parser.add_argument("--db", metavar="PATH", default=default,
                        help="database file (default: $GLOSE_DB, else ./glose.db)"))
    parser.add_argument("--annotator", metavar="NAME", type=name, default=default,
                        help="your name as annotator (default: $GLOSE_ANNOTATOR, else your login)")
    parser.add_argument("--read-only", action="store_true", default=default if default is not None else False,
                        help="open the app without writing anything (a file you may not change)")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("glose")
    except PackageNotFoundError:
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glose",
        description="Read and annotate news articles: entities, claims and who said them.",
    )
    parser.add_argument("--version", action="version", version=f"glose {_version()}")
    _global_options(parser, None)
    # The same options after the command name (glose import x --db f.db), where a value
    # given overrides the one before it and an absent one leaves it alone.
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cmd = commands.add_parser("open", parents=[common], help="open the reader (the default command)")
    cmd.add_argument("doc", nargs="?", type=int, metavar="DOC", help="document id to open directly")
    cmd.set_defaults(run=cmd_open)

    cmd = commands.add_parser("serve", parents=[common],
                              help="the app in a browser (textual-serve), for reviewers who will not use a terminal")
    cmd.add_argument("--host", default="127.0.0.1", metavar="HOST",
                     help="address to listen on (default: 127.0.0.1, this machine only; reach it from another"
                          " with ssh -L 8000:localhost:8000 HOST). Any other address exposes the database to the"
                          " network: whoever reaches the port reads and changes it as --annotator, with no password")
    cmd.add_argument("--port", type=port, default=8000, metavar="N", help="port to listen on (default: 8000)")
    cmd.add_argument("--public-url", metavar="URL", default=None,
                     help="the address browsers reach this server at, when it is not http://HOST:PORT (a tunnel"
                          " to another local port, a proxy, --host 0.0.0.0): the page connects back to it")
    cmd.set_defaults(run=cmd_serve)

    cmd = commands.add_parser("import", parents=[common], help="import .txt, .md and .jsonl files or folders")
    _files(cmd.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursive); - reads standard input"))
    cmd.add_argument("--layer", default=None, metavar="L", type=name,
                     help="layer for the spans files bring (default: each task's _annotator_id, else imported)")
    cmd.add_argument("--no-nlp", action="store_true",
                     help="store text and tokens only: no entities, sentences or claim suggestions")
    cmd.add_argument("--n-process", type=processes, default="auto", metavar="N",
                     help="processes that parse (default: auto, one per usable CPU, at most 4, and only"
                          " when there are at least two batches of about 20,000 characters to share)")
    cmd.add_argument("--batch-size", type=positive, default=64, metavar="N",
                     help="texts per spaCy batch (default: 64)")
    cmd.add_argument("--encoding", metavar="ENC", help="encoding of the files (default: UTF-8, BOM or not)")
    cmd.add_argument("--max-bytes", type=positive, default=None, metavar="N",
                     help="refuse files larger than this (default: 5,000,000)")
    cmd.add_argument("--format", choices=["auto", "brat", "doccano", "labelstudio", "cas"], default="auto",
                     help="auto: .txt, .md and .jsonl (Prodigy/spaCy) by their suffix; brat: .ann files with the"
                          " .txt beside each; doccano: .jsonl; labelstudio: .json; cas: INCEpTION's .xmi")
    cmd.add_argument("--label-map", metavar="MAP", default="",
                     help="brat types to glose labels, e.g. Speaker=SOURCE,Quote=CLAIM,Event=- (- skips)")
    cmd.add_argument("--if-empty", action="store_true",
                     help="do nothing if the database already has documents")
    _model_option(cmd)
    cmd.set_defaults(run=cmd_import)

    cmd = commands.add_parser("export", parents=[common], help="write a layer as Prodigy/spaCy JSONL")
    cmd.add_argument("--layer", required=True, metavar="L", type=name, help="layer to export, e.g. suggestions")
    cmd.add_argument("--format", default="jsonl", choices=["jsonl", "doccano", "labelstudio", "brat", "spacy", "cas"],
                     help="jsonl (Prodigy/spaCy), doccano (.jsonl), labelstudio (.json): one file; brat (.txt and"
                          " .ann, annotation.conf), spacy (DocBin train/dev and config.cfg), cas (INCEpTION .xmi):"
                          " a folder")
    _files(cmd.add_argument("--out", metavar="FILE", help="output file (default, or -: standard output), or folder"))
    cmd.add_argument("--doc", type=int, action="append", metavar="ID", help="only this document (repeatable)")
    cmd.add_argument("--state", choices=["all", ACCEPTED], default="all",
                     help="all: accepted and pending items (default); accepted: decided ones only")
    cmd.add_argument("--only-done", action="store_true",
                     help="only the documents the layer's annotator marked done (gold: adjudicated)")
    cmd.add_argument("--include-rejected", action="store_true", help="also export rejected items")
    _split_options(cmd)
    cmd.set_defaults(run=cmd_export)

    cmd = commands.add_parser("suggest", parents=[common], help="recompute the suggestions of imported documents")
    cmd.add_argument("--doc", type=int, action="append", metavar="ID", help="only this document (repeatable)")
    _model_option(cmd)
    cmd.set_defaults(run=cmd_suggest)

    cmd = commands.add_parser("eval", parents=[common], help="score a layer against a gold JSONL file")
    _files(cmd.add_argument("--gold", required=True, metavar="FILE", help="gold annotations, Prodigy/spaCy JSONL"))
    cmd.add_argument("--layer", default=SUGGESTIONS, metavar="L", type=name,
                     help="layer to score (default: suggestions)")
    cmd.add_argument("--origin", metavar="O,O", type=names_list, default=None,
                     help="score only the layer's items of these origins: spacy,rules (the French model's"
                          " entities and the rules' claim frames) or model (a trained pipeline's spans, from"
                          " suggest --model; it links no cues or sources), manual, import (default: all)")
    cmd.set_defaults(run=cmd_eval)

    cmd = commands.add_parser("train", parents=[common],
                              help="train a spaCy pipeline (ner, span_finder, spancat) on a layer")
    cmd.add_argument("--layer", default=GOLD, metavar="L", type=name, help="layer to learn (default: gold)")
    cmd.add_argument("--out", required=True, metavar="MODEL",
                     help="folder for the pipeline: MODEL/model-best (for suggest --model), MODEL/model-last,"
                          " and the corpus and config it was trained on (MODEL/corpus)")
    cmd.add_argument("--max-steps", type=positive, default=2000, metavar="N",
                     help="training steps at most (default: 2000; spaCy stops sooner when dev scores stall)")
    _split_options(cmd)
    cmd.set_defaults(run=cmd_train)

    cmd = commands.add_parser("assign", parents=[common], help="assign documents to annotators")
    cmd.add_argument("docs", nargs="+", metavar="DOC", help="document ids, or all")
    cmd.add_argument("--to", required=True, metavar="NAME,NAME", type=names_list, help="the annotators")
    cmd.add_argument("--each", type=positive, metavar="N",
                     help="give each document N of them, the load kept even (default: all of them)")
    cmd.set_defaults(run=cmd_assign)

    cmd = commands.add_parser("agreement", parents=[common], help="agreement between layers: α, κ, span F1, pair F1")
    cmd.add_argument("--layers", metavar="A,B,...", type=names_list,
                     help="layers to compare (default: every annotator's and imported layer)")
    cmd.add_argument("--docs", metavar="ID,ID,...", type=ids_list, help="only these documents")
    cmd.add_argument("--only-done", action="store_true",
                     help="only documents every compared annotator marked done")
    cmd.add_argument("--json", action="store_true", help="JSON, its keys naming each figure")
    cmd.set_defaults(run=cmd_agreement)

    cmd = commands.add_parser("stats", parents=[common], help="documents, layers and counts")
    cmd.set_defaults(run=cmd_stats)

    cmd = commands.add_parser("copy", parents=[common],
                              help="copy the database to a new file, to work offline (glose merge brings it back)")
    cmd.add_argument("out", metavar="OUT.db", type=Path, help="the new file (never overwritten)")
    cmd.set_defaults(run=cmd_copy)

    cmd = commands.add_parser("completion", help="print a shell completion script: glose completion bash")
    cmd.add_argument("shell", choices=["bash", "zsh", "tcsh"], help="the shell")
    cmd.set_defaults(run=cmd_completion)

    cmd = commands.add_parser("layers", parents=[common], help="list the layers, or remove one: layers rm NAME")
    cmd.add_argument("action", nargs="?", choices=["list", "rm"], default="list", help="list (default) or rm")
    cmd.add_argument("name", nargs="?", metavar="NAME", type=name, help="the layer to remove")
    cmd.add_argument("--yes", action="store_true", help="remove without asking")
    cmd.set_defaults(run=cmd_layers)

    cmd = commands.add_parser("merge", parents=[common],
                              help="fold copies of the database edited offline back into it (conflicts kept, listed)")
    _files(cmd.add_argument("others", nargs="+", metavar="OTHER.db", help="the copies, merged one after the other"))
    cmd.set_defaults(run=cmd_merge)
    return parser


def cmd_completion(args) -> int:
    """A completion script for the shell, generated from this parser (shtab), so that it
    always knows the commands and options this glose has. Install it, for bash:
    ``glose completion bash > ~/.local/share/bash-completion/completions/glose``."""
    import shtab

    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.settings = Settings.from_environment()
    args.db = Path(args.db) if args.db else args.settings.db_path
    args.annotator = args.annotator or args.settings.annotator
    if visible(args.annotator) != args.annotator:
        parser.error("the annotator name ($GLOSE_ANNOTATOR or login) has control characters; use --annotator")
    if args.annotator in (SUGGESTIONS, GOLD):  # layers of their own: gold is written by adjudicating
        parser.error(f"{args.annotator!r} is a layer's name, not an annotator's; gold is written from the"
                     " adjudication screen (j in the document list)")
    run = getattr(args, "run", cmd_open)
    if not hasattr(args, "doc"):
        args.doc = None
    err = console(stderr=True)
    try:
        return run(args)
    except GloseError as exc:
        err.print(f"glose: {visible(str(exc))}")
        return EXIT_ERROR
    except sqlite3.DatabaseError as exc:  # found while reading: damage the checks at opening missed
        err.print(f"glose: {visible(str(args.db))}: {describe(exc)} ({visible(str(exc))});"
                  " nothing more was written")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.print("glose: interrupted; everything committed before this point is kept")
        return 130


def console(*, stderr: bool = False) -> Console:
    """A console that never reads markup in what it prints and does not wrap in pipes."""
    probe = Console(stderr=stderr)
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True,
                   width=None if probe.is_terminal else 160)


def _db(args, *, create: bool = True, access: str = "read", check: bool | None = None):
    """The database named by --db / $GLOSE_DB. Commands that only read take a
    read-only file as it is; commands that write need write access (``access="write"``)."""
    return open_db(args.db, create=create, access=access, check=check, progress=upgrade_progress(args.db))


def upgrade_progress(path: Path) -> Callable[[str], None]:
    """Says on stderr how far the upgrade of an older database is (re-indexing a
    large corpus takes a while, before anything else is shown)."""
    err = console(stderr=True)
    return lambda message: err.print(f"glose: upgrading {visible(str(path))}: {message}")


def cmd_open(args) -> int:
    from glose.tui.app import GloseApp


    app = GloseApp(args.db, annotator=args.annotator, doc_id=args.doc, read_only=args.read_only,
                   advance=args.settings.advance, tags=args.settings.tags, progress=upgrade_progress(args.db))
    # Under glose serve, textual-serve's pipes stand for the terminal and a browser draws it.
    if not args.settings.served and not (sys.stdin.isatty() and sys.stdout.isatty()):  # the file was checked first: its problems come first
        raise UsageError("the app needs a terminal (stdin and stdout are not one here);"
                         " without one use the commands: stats, export, agreement, ... (glose --help)")
    app.run()
    # A crash inside the app sets its return code; every change before it is committed.
    return app.return_code or EXIT_OK


def cmd_serve(args) -> int:
    """The app in a browser: textual-serve starts ``glose open`` on this database, as this
    annotator, for each tab that connects."""
    from glose import serve

    out, err = console(), console(stderr=True)
    # The app opens the file as glose open does; a file it would refuse is refused here, once.
    _db(args, create=False, access="read-only" if args.read_only else "read").close()
    url = (args.public_url or serve.public_url(args.host, args.port)).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--public-url {visible(url)!r} is not an http:// or https:// address")
    warning = serve.exposure_warning(args.host, args.port, args.db, args.annotator)
    if warning:
        err.print(f"glose: serve: {warning}")
    serve.check_port(args.host, args.port)
    command = serve.app_command(args.db, args.annotator, read_only=args.read_only)
    where = f"{visible(str(args.db))} as {visible(args.annotator)}" + (" (read-only)" if args.read_only else "")
    serve.serve(command, host=args.host, port=args.port, url=url,
                title=f"glose · {args.annotator} · {args.db.name}",
                ready=lambda address: out.print(f"glose serve: {visible(address)} opens glose on {where}, one app per"
                                            " browser tab; ctrl+c stops"))
    return EXIT_OK


def cmd_import(args) -> int:
    from glose import importer
    from glose.brat import parse_label_map
    from glose.db.documents import count_documents
    from glose.nlp import blank_tokenizer

    out = console()
    err = console(stderr=True)
    if args.encoding:
        try:
            codecs.lookup(args.encoding)
        except LookupError as exc:
            raise UsageError(f"unknown encoding {visible(args.encoding)!r}") from exc
    try:
        label_map = parse_label_map(args.label_map)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    db = _db(args, access="write", check=True)  # never write into a damaged file
    if args.if_empty and count_documents(db):
        out.print(f"{count_documents(db)} documents already in {visible(str(args.db))}; nothing imported")
        return EXIT_OK
    if args.no_nlp:
        nlp, tokenizer_name = blank_tokenizer(), "blank:fr"
    else:
        nlp = _load_model(args)
        tokenizer_name = f"{args.settings.spacy_model}-{nlp.meta.get('version', '?')}"
    if args.model and args.no_nlp:
        raise UsageError("--model adds to the suggestions, which --no-nlp leaves out: choose one")
    trained = _load_trained(args)
    files, _ = importer.collect_files(args.paths, fmt=args.format)
    total_bytes = sum(p.stat().st_size for p in files if p != importer.STDIN)
    started = time.perf_counter()
    documents_before = count_documents(db)
    try:
        with _ImportProgress(err, total_bytes) as progress:
            report = importer.import_paths(
                db, args.paths, nlp=nlp, tokenizer_name=tokenizer_name,
                layer=args.layer, batch_size=args.batch_size,
                n_process=args.n_process, encoding=args.encoding,
                max_bytes=args.max_bytes or importer.MAX_BYTES, on_progress=progress.update,
                fmt=args.format, label_map=label_map, model=trained,
            )
    except KeyboardInterrupt:  # counted in the database: the signal may land between commit and report
        kept = count_documents(db) - documents_before
        err.print(f"glose: import interrupted: {kept} document(s) were committed and are kept;"
                  " the file being stored was rolled back whole. Run the same import again to finish.")
        return 130
    seconds = time.perf_counter() - started
    for origin, existing, what in report.duplicates:
        out.print(f"{visible(origin)}: {what}" + (f" (document {existing})" if existing else ""))
    for path, warning in report.warnings:
        err.print(f"glose: import: {visible(path)}: {visible(warning)}")
    for path, reason in report.failed:
        err.print(f"glose: import: {visible(path)}: {visible(reason)}")
    rate = report.words / seconds if seconds else 0
    out.print(
        f"imported {len(report.imported)} document(s), {report.words:,} words in {seconds:.1f} s"
        f" ({rate:,.0f} words/s); {len(report.duplicates)} already present; {len(report.failed)} failed"
    )
    return EXIT_PARTIAL if report.failed else EXIT_OK


class _ImportProgress:
    """A rich progress bar (documents, words/s, ETA) on a terminal; silent otherwise."""

    def __init__(self, console: Console, total_bytes: int):
        from rich.progress import Progress

        self.console, self.total = console, total_bytes
        self.progress: Progress | None = None
        self.started = time.perf_counter()

    def __enter__(self):
        if self.console.is_terminal:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("importing"), BarColumn(), TextColumn("{task.fields[docs]} docs"),
                TextColumn("{task.fields[rate]} words/s"), TimeRemainingColumn(),
                console=self.console, transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("import", total=self.total or 1, docs=0, rate=0)
        return self

    def update(self, read_bytes: int, docs: int, words: int) -> None:
        if self.progress:
            elapsed = time.perf_counter() - self.started
            self.progress.update(self.task, completed=read_bytes, docs=docs,
                                 rate=f"{words / elapsed:,.0f}" if elapsed else 0)

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()
        return False


def cmd_export(args) -> int:
    from glose import exporter

    db = _db(args, create=False)
    if args.format in exporter.FOLDER_FORMATS:
        if not args.out or args.out == "-":
            raise UsageError(f"--format {args.format} writes a folder: name it with --out DIR")
        try:
            summary = exporter.write_folder(args.format, db, args.layer, Path(args.out), **_chosen(args),
                                            **_folder_options(args))
        except OSError as exc:
            raise UsageError(f"cannot write {visible(args.out)}: {exc.strerror or exc}") from exc
        console(stderr=True).print(f"wrote {visible(summary)} of layer {visible(args.layer)!r} to {visible(args.out)}")
        return EXIT_OK
    recs = exporter.records(db, args.layer, **_chosen(args))
    off_tokens = 0

    def counted(records):
        nonlocal off_tokens
        for record in records:
            off_tokens += exporter.misaligned(record)
            yield record

    recs = counted(recs)
    if not args.out or args.out == "-":  # - is standard output, as in most tools
        try:
            exporter.FILE_FORMATS[args.format](recs, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # `| head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _warn_misaligned(off_tokens)
        return EXIT_OK
    out = Path(args.out)
    part = out.with_name(out.name + ".part")
    try:
        with part.open("w", encoding="utf-8") as handle:
            count = exporter.FILE_FORMATS[args.format](recs, handle)
        part.replace(out)  # never leave a half-written export under the real name
        if args.format == "labelstudio":  # the project's Labeling Interface that shows what was written
            from glose.files import write_whole
            from glose.labelstudio import LABEL_CONFIG

            write_whole(out.with_suffix(".label-config.xml"), LABEL_CONFIG)
    except OSError as exc:
        with suppress(OSError):  # in a folder we cannot write, there is no .part to remove
            part.unlink(missing_ok=True)
        raise UsageError(f"cannot write {visible(str(out))}: {exc.strerror or exc}") from exc
    console(stderr=True).print(f"wrote {count} document(s) of layer {args.layer!r} to {visible(str(out))}")
    _warn_misaligned(off_tokens)
    return EXIT_OK


def _chosen(args) -> dict:
    """What ``export`` writes: which documents, which states."""
    if args.include_rejected and args.state == ACCEPTED:
        raise UsageError(f"--include-rejected and --state {ACCEPTED} contradict each other: choose one")
    return {"doc_ids": args.doc, "include_rejected": args.include_rejected, "accepted_only": args.state == ACCEPTED,
            "only_done": args.only_done}


def _folder_options(args) -> dict:
    """The options of ``export`` that only a folder format reads."""
    return {"dev": args.dev, "seed": args.seed}


def _warn_misaligned(count: int) -> None:
    if count:
        console(stderr=True).print(
            f"glose: export: {count} span(s) do not start or end on a token boundary; their character"
            " offsets are exact, their token_start/token_end cover them (spaCy's char_span needs"
            " alignment_mode='expand' for them)")


def _model_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--model", metavar="MODEL", default=None,
                     help="also suggest the entities and spans of a pipeline from glose train (its folder or"
                          " MODEL/model-best); they are stored with origin model")


def _load_trained(args):
    """The pipeline --model names, or None."""
    if not getattr(args, "model", None):
        return None
    from glose.nlp import load_trained

    err = console(stderr=True)
    with err.status(f"Loading {visible(args.model)}…") if err.is_terminal else nullcontext():
        return load_trained(Path(args.model))


def _load_model(args):
    from glose.nlp import load_model

    err = console(stderr=True)
    with err.status(f"Loading the model {args.settings.spacy_model}…") if err.is_terminal else nullcontext():
        return load_model(args.settings)


def cmd_suggest(args) -> int:
    from glose.suggest.refresh import resuggest

    db = _db(args, create=False, access="write", check=True)
    nlp = _load_model(args)
    claims = resuggest(db, nlp, args.doc, model=_load_trained(args))
    console().print(f"suggestions recomputed for {len(claims)} document(s): {sum(claims.values())} claims;"
                    " annotators' layers untouched")
    return EXIT_OK


def cmd_eval(args) -> int:
    from glose.evaluation.gold import evaluate_layer
    from glose.evaluation.metrics import format_report

    db = _db(args, create=False)
    gold = Path(args.gold)
    if not gold.is_file():
        raise UsageError(f"{gold}: no such file")
    report, problems = evaluate_layer(db, gold, args.layer, args.origin)
    for problem in problems:
        console(stderr=True).print(f"glose: eval: {visible(problem)}")
    only = f" (origin {', '.join(args.origin)})" if args.origin else ""
    lines = [f"layer {args.layer!r}{only} against {gold}", *format_report(report).splitlines()]
    console().print("\n".join(visible(line) for line in lines))
    return EXIT_PARTIAL if problems else EXIT_OK


def cmd_train(args) -> int:
    from glose import training

    db = _db(args, create=False)
    out = Path(args.out)
    try:
        corpus, scores = training.train(db, args.layer, out, dev=args.dev, seed=args.seed, max_steps=args.max_steps)
    except OSError as exc:
        raise UsageError(f"cannot write {visible(args.out)}: {exc.strerror or exc}") from exc
    err = console(stderr=True)
    err.print(f"corpus of layer {visible(args.layer)!r}: {visible(corpus.summary())}")
    console().print("\n".join(visible(line) for line in training.format_scores(scores).splitlines()))
    err.print(f"trained pipeline: {visible(str(out / 'model-best'))} (glose suggest --model {visible(args.out)})")
    return EXIT_OK


def cmd_assign(args) -> int:
    from glose.db import assignments, documents

    db = _db(args, access="write")
    known = documents.document_ids(db)
    if args.docs == ["all"]:
        doc_ids = known
    else:
        try:
            doc_ids = [int(doc) for doc in args.docs]
        except ValueError as exc:
            raise UsageError(f"documents are ids or all, not {visible(' '.join(args.docs))!r}") from exc
        missing = sorted(set(doc_ids) - set(known))
        if missing:
            raise UsageError(f"no document {', '.join(map(str, missing))} in {visible(str(args.db))}")
    if args.each is None:
        new = assignments.assign(db, doc_ids, args.to)
        console().print(f"{len(doc_ids)} document(s) assigned to {visible(', '.join(args.to))} ({new} new)")
        return EXIT_OK
    if args.each > len(args.to):
        raise UsageError(f"--each {args.each} needs at least {args.each} annotators in --to")
    plan = assignments.balanced(db, doc_ids, args.to, args.each)
    for name, docs in plan.items():
        assignments.assign(db, docs, [name])
        console().print(f"{visible(name)}: {len(docs)} more document(s)")
    return EXIT_OK


def cmd_agreement(args) -> int:
    import json

    from glose.db import documents, layers
    from glose.evaluation.agreement import measure, render

    db = _db(args, create=False)
    known = layers.layer_names(db)
    chosen = args.layers or layers.compared_layers(db)
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise UnknownLayer(f"no layer named {visible(', '.join(unknown))} (layers: {visible(', '.join(known))})")
    if len(chosen) < 2:
        raise UsageError(f"agreement needs two layers or more (found {visible(', '.join(chosen)) or 'none'});"
                         " name them with --layers A,B")
    doc_ids = args.docs or documents.document_ids(db)
    if args.only_done:
        for name in chosen:
            done = layers.done_documents(db, name)
            if done is not None:
                doc_ids = [doc for doc in doc_ids if doc in done]
    result = measure(db, chosen, doc_ids)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        console().print(render(result))
    return EXIT_OK


def cmd_stats(args) -> int:
    from glose.stats import render_stats

    db = _db(args, create=False)
    console().print(render_stats(db, args.db))
    return EXIT_OK


def cmd_copy(args) -> int:
    from glose.db.copies import copy_database

    db = _db(args, create=False)
    size = copy_database(db, args.out)
    console(stderr=True).print(f"copied {visible(str(args.db))} to {visible(str(args.out))} ({size / 1e6:,.1f} MB);"
                               f" work there, then: glose --db {visible(str(args.db))} merge {visible(str(args.out))}")
    return EXIT_OK


def cmd_layers(args) -> int:
    from glose.db import layers
    from glose.stats import layer_table

    if args.action == "list":
        db = _db(args, create=False)
        console().print(layer_table(layers.counts(db)))
        return EXIT_OK
    if not args.name:
        raise UsageError("layers rm needs the name of the layer to remove")
    db = _db(args, create=False, access="write")
    held = next((row for row in layers.counts(db) if row.name == args.name), None)
    if held is None:
        raise UnknownLayer(f"no layer named {visible(args.name)!r} (layers: {visible(', '.join(layers.layer_names(db)))})")
    question = (f"Remove layer {visible(args.name)!r} ({held.kind}): {held.spans:,} spans and {held.relations:,}"
                f" relations on {held.documents:,} document(s)? This cannot be undone. [y/N] ")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(f"{question.split('?')[0]}? Not on a terminal: add --yes to remove it")
        if input(question).strip().lower() not in ("y", "yes"):
            console(stderr=True).print("nothing removed")
            return EXIT_OK
    layers.remove(db, args.name)
    console(stderr=True).print(f"removed layer {visible(args.name)!r}: {held.spans:,} spans, {held.relations:,} relations")
    return EXIT_OK


def cmd_merge(args) -> int:
    """Every file is opened (and refused, nothing written) before the first is merged."""
    from glose.db import merge

    db = _db(args, create=False, access="write", check=True)
    others = [(path, merge.open_other(path, db)) for path in args.others]
    out = console()
    for path, other in others:
        label = visible(Path(path).name)
        report = merge.merge(db, other, Path(path).name, progress=_merge_progress(label))
        other.close()
        if not report.changed:
            out.print(f"{label}: nothing changed (merged before: {report.equal} layer-document(s) already equal)")
        else:
            out.print(f"{label}: {report.documents_added} document(s) added; layer-documents: {report.copied} copied,"
                      f" {report.fast_forwarded} fast-forwarded, {report.equal} already equal, {report.newer_here} newer"
                      f" here, {len(report.conflicts)} in conflict; sources: {report.sources_added} added,"
                      f" {report.sources_moved} merged or split, {report.sources_completed} external id(s) taken,"
                      f" {report.verdicts_added} verdict(s) added; {report.events_copied} event(s) brought")
        for c in report.conflicts:
            out.print(f"conflict: document {c.doc_id} {visible(c.title)!r}, layer {visible(c.layer)!r}: both changed it;"
                      f" this file's version kept, {label}'s is in layer {visible(c.kept_in)!r}")
        for line in report.source_conflicts:
            out.print(f"source conflict: {visible(line)}")
    return EXIT_OK


def _merge_progress(label: str) -> Callable[[str], None]:
    """How far a long merge is, on stderr."""
    err = console(stderr=True)
    return lambda message: err.print(f"glose: merge {label}: {message}")


if __name__ == "__main__":
    sys.exit(main())
