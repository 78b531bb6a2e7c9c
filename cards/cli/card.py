"""mltrack card NAME: a model's (or, with --kind, a system's or agent's) card as HTML, PDF, JSON or
CycloneDX 1.6 ML-BOM, as it reads now or as published (--version N); --all gives the ML-BOM of every
model; --publish publishes the card as it reads now (a new immutable version). Written to -o FILE
(needed for PDF) or standard output. See docs/cards.md."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from common.cli import EXIT_OK, CLIError, add_verb, resolve_actor, usage_error

FORMATS = ("html", "pdf", "json", "cyclonedx")
KINDS = ("model", "system", "agent")
PDF_NEEDS_FILE_MESSAGE = "--format pdf writes a file: give --output FILE"
NAME_OR_ALL_MESSAGE = "Name a model, system or agent, or give --all (with --format cyclonedx)"
ALL_IS_BOM_MESSAGE = "--all makes the CycloneDX ML-BOM of every model: use --format cyclonedx, and no --version"
NO_VERSION_MESSAGE = "The card of {name} has no published version {version}{known}."
NO_SUBJECT_MESSAGE = "No {kind} named \"{name}\"."
PUBLISH_ALONE_MESSAGE = "--publish publishes one card as it reads now: name it, without --all or --version"
PUBLISHED_MESSAGE = "Published version {version} of the {kind} card of {name} (SHA-256 {sha256}).\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_verb(
        subparsers, "card", handle_card,
        help="a model, system or agent card (HTML, PDF, JSON, CycloneDX ML-BOM)",
        description="A card as it reads now, or a published version of it.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the model (or --kind system/agent) named NAME")
    parser.add_argument("--kind", choices=KINDS, default="model", help="model (default), system or agent")
    parser.add_argument("-f", "--format", choices=FORMATS, default="json", metavar="FORMAT",
                        help="html, pdf, json (default) or cyclonedx (model cards)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--version", type=int, metavar="N", dest="card_version",
                        help="the published version N instead of the card as it reads now")
    parser.add_argument("--all", action="store_true", help="the CycloneDX ML-BOM of every model")
    parser.add_argument("--publish", action="store_true",
                        help="publish the card as it reads now as a new version (its owner, model risk officers, "
                             "administrators); the published card is written only with --output")


def _subject(kind: str, name: str):
    from cards.models import Agent, AISystem
    from inventory.cli.lookup import find_model

    if kind == "model":
        return find_model(name)
    subject = (AISystem if kind == "system" else Agent).objects.filter(name=name.strip()).first()
    if subject is None:
        raise CLIError(NO_SUBJECT_MESSAGE.format(kind="AI system" if kind == "system" else "agent", name=name))
    return subject


def _content(args: argparse.Namespace) -> bytes:
    from django.utils import timezone

    from cards import document, formats, services
    from cards.models import CardVersion
    from inventory.models import AIModel

    if args.all:
        if args.format != "cyclonedx" or args.card_version or args.name:
            usage_error(args, ALL_IS_BOM_MESSAGE)
        today = timezone.localdate()
        return formats.render_bom(document.model_cards(AIModel.objects.all(), today=today),
                                  timestamp=f"{today.isoformat()}T00:00:00Z")
    if not args.name:
        usage_error(args, NAME_OR_ALL_MESSAGE)
    subject = _subject(args.kind, args.name)
    if args.card_version is None:
        card, publication = services.build_card(args.kind, subject, today=timezone.localdate()), None
    else:
        versions = CardVersion.objects.of(args.kind, subject.pk)
        published = versions.filter(version=args.card_version).first()
        if published is None:
            known = sorted(versions.values_list("version", flat=True))
            raise CLIError(NO_VERSION_MESSAGE.format(
                name=args.name, version=args.card_version,
                known=f" (it has {', '.join(map(str, known))})" if known else " (none is published)"))
        card, publication = published.document, formats.publication_of(published)
    try:
        return formats.render(card, args.format, publication)
    except ValueError as exc:
        usage_error(args, str(exc))


def _publish(args: argparse.Namespace, who) -> bytes | None:
    """Publish the named card through the service (which checks the role itself); the published
    version's content when it is to be written to --output."""
    from django.utils import timezone

    from cards import formats, services

    if args.all or args.card_version is not None or not args.name:
        usage_error(args, PUBLISH_ALONE_MESSAGE)
    subject = _subject(args.kind, args.name)
    version = services.publish_card(kind=args.kind, subject=subject, actor=who.actor, now=timezone.now(),
                                    today=timezone.localdate())
    sys.stdout.write(PUBLISHED_MESSAGE.format(version=version.version, kind=args.kind, name=version.subject_name,
                                              sha256=version.sha256))
    if not args.output:
        return None
    try:
        return formats.render(version.document, args.format, formats.publication_of(version))
    except ValueError as exc:
        usage_error(args, str(exc))


def handle_card(args: argparse.Namespace) -> int:
    from cards import permissions

    if args.format == "pdf" and not args.output:
        usage_error(args, PDF_NEEDS_FILE_MESSAGE)
    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    if args.publish:
        content = _publish(args, who)
        if content is None:
            return EXIT_OK
    else:
        content = _content(args)
    if not args.output:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return EXIT_OK
    path = Path(args.output)
    if not (path.parent if str(path.parent) else Path(".")).is_dir():
        raise CLIError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CLIError(f"Cannot write {path}: {exc.strerror}.") from None
    sys.stderr.write(f"Wrote {path} ({len(content):,} bytes, SHA-256 {hashlib.sha256(content).hexdigest()}).\n")
    return EXIT_OK
