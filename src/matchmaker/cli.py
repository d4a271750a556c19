"""The ``matchmaker`` command: serve, worker, migrate, seed, create-admin, import-regions, …"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from matchmaker.config import ConfigError, Settings, get_settings
from matchmaker.logging import configure_logging


def _settings() -> Settings:
    try:
        return get_settings()
    except ConfigError as exc:
        print(f"matchmaker: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = _settings()
    configure_logging(settings.log_level)
    from matchmaker.web.app import create_app

    uvicorn.run(
        create_app(settings),
        host=args.host or settings.bind_host,
        port=args.port or settings.bind_port,
        log_config=None,
        proxy_headers=True,
        workers=None,
        # On SIGTERM, give open requests this long to finish before closing them.
        timeout_graceful_shutdown=30,
    )


def cmd_worker(args: argparse.Namespace) -> None:
    settings = _settings()
    configure_logging(settings.log_level)
    import matchmaker.jobs.tasks  # noqa: F401  (registers every job function)
    from matchmaker.queue.worker import build_worker

    try:
        worker = build_worker(settings, burst=args.burst)
    except RuntimeError as exc:
        print(f"matchmaker worker: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    worker.run()


def cmd_migrate(args: argparse.Namespace) -> None:
    from matchmaker.db.migrate import downgrade, upgrade

    settings = _settings()
    _ensure_sqlite_dir(settings)
    if args.down:
        downgrade(settings.database_url, args.revision or "base")
    else:
        upgrade(settings.database_url, args.revision or "head")


def _ensure_sqlite_dir(settings: Settings) -> None:
    if settings.is_sqlite:
        path = settings.database_url.split(":///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def cmd_seed(args: argparse.Namespace) -> None:
    from matchmaker.seed import SeedError, run_seed

    settings = _settings()
    configure_logging("WARNING")
    try:
        asyncio.run(
            run_seed(
                settings,
                scale=args.scale,
                seed=args.seed,
                if_empty=args.if_empty,
                quiet=args.quiet,
            )
        )
    except SeedError as exc:
        print(f"matchmaker seed: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_create_admin(args: argparse.Namespace) -> None:
    from matchmaker.services.bootstrap import create_platform_admin

    settings = _settings()
    password = args.password or os.environ.get("MATCHMAKER_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("create-admin: give --password or MATCHMAKER_ADMIN_PASSWORD", file=sys.stderr)
            raise SystemExit(2)
        password = getpass.getpass("Password for the new platform admin: ")
    try:
        account_id = asyncio.run(
            create_platform_admin(
                settings, username=args.username, password=password, display_name=args.name
            )
        )
    except ValueError as exc:
        print(f"create-admin: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"created platform admin {args.username!r} (account {account_id})")


def cmd_import_regions(args: argparse.Namespace) -> None:
    from matchmaker.services.bootstrap import import_regions_file

    settings = _settings()
    try:
        report = asyncio.run(import_regions_file(settings, Path(args.file)))
    except ValueError as exc:
        print(f"import-regions: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"regions created: {report.created}, already present: {report.unchanged}")


def cmd_matching(args: argparse.Namespace) -> None:
    """``matchmaker matching train|evaluate`` (docs/matching.md, "Evaluation")."""
    settings = _settings()
    configure_logging("WARNING")
    directions = [args.direction] if args.direction else None
    if args.action == "train":
        asyncio.run(_matching_train(settings, directions))
    else:
        asyncio.run(_matching_evaluate(settings, directions))


async def _matching_train(settings: Settings, directions: list[str] | None) -> None:
    from matchmaker.db import create_engine, create_session_factory
    from matchmaker.services.bootstrap import system_context
    from matchmaker.services.matching import training

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            sc = system_context(session, settings)
            for o in await training.train_directions(sc, directions):
                promoted = " (promoted)" if o.promoted else ""
                print(
                    f"{o.direction}: {o.status} {o.version or ''}{promoted} "
                    f"rows={o.n_rows} lists={o.n_groups}"
                )
    finally:
        await engine.dispose()


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


async def _matching_evaluate(settings: Settings, directions: list[str] | None) -> None:
    from matchmaker.db import create_engine, create_session_factory
    from matchmaker.services.matching import training

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            reports = await training.evaluate_directions(session, settings, directions)
    finally:
        await engine.dispose()
    for r in reports:
        print(f"\n{r.direction}  ({r.n_rows} rows in {r.n_groups} lists)")
        if not r.rows:
            print(f"  {r.note or 'nothing to evaluate'}")
            continue
        print(f"  {'ranker':<24}{'NDCG@10':>10}{'recall@10':>12}")
        for name, ndcg, recall in r.rows:
            print(f"  {name:<24}{ndcg:>10.3f}{recall:>12.3f}")
        if r.exposure_model is not None:
            print(
                "  exposure of small/new organizations in the top 10: "
                f"logged {_pct(r.exposure_logged)}, model {_pct(r.exposure_model)}"
            )
        if r.shifts_per_week_plain is not None:
            print(
                "  shifts with ≥1 signup per week (top 10, replayed): "
                f"model {r.shifts_per_week_plain:.1f}, "
                f"with the exposure re-rank {r.shifts_per_week_reranked:.1f}"
            )


def cmd_export_schema(args: argparse.Namespace) -> None:
    from matchmaker.schema import schema

    text = schema.as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")


def cmd_permissions_doc(args: argparse.Namespace) -> None:
    from matchmaker.docs import permissions_markdown

    text = permissions_markdown()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="matchmaker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the API and front end")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the arq worker (needs MATCHMAKER_REDIS_URL)")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="upgrade the database to the latest schema")
    p.add_argument("--revision")
    p.add_argument("--down", action="store_true", help="downgrade instead (to --revision or base)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed", help="load deterministic demo data")
    p.add_argument("--scale", choices=["small", "city", "province"], default="small")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("create-admin", help="create a platform admin account")
    p.add_argument("--username", required=True)
    p.add_argument("--password")
    p.add_argument("--name", default="平台管理员")
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser("import-regions", help="import regions from a CSV file")
    p.add_argument("file")
    p.set_defaults(func=cmd_import_regions)

    p = sub.add_parser("export-schema", help="print the GraphQL SDL")
    p.add_argument("-o", "--output", default="-")
    p.set_defaults(func=cmd_export_schema)

    p = sub.add_parser("matching", help="train or evaluate the matching models")
    p.add_argument("action", choices=["train", "evaluate"])
    p.add_argument("--direction", help="one direction (default: all)")
    p.set_defaults(func=cmd_matching)

    p = sub.add_parser("permissions-doc", help="print the role × capability matrix (Markdown)")
    p.add_argument("-o", "--output", default="-")
    p.set_defaults(func=cmd_permissions_doc)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
