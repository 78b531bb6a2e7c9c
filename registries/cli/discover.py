"""mltrack discover: compare a model registry with the inventory. ``--source NAME`` reconciles a
configured registry (recorded, as the console's Reconcile button does); ``--mlflow URL`` looks at
an MLflow server without recording anything. Exit 1 when the registry cannot be read."""

from __future__ import annotations

import argparse

from common.cli import EXIT_OK, CLIError, add_verb, make_console, print_json, resolve_actor

GROUPS = ("untracked", "orphaned", "changed", "linked")
NO_SUCH_REGISTRY = "There is no registry named {name!r}; the registries are: {names}."


def register(subparsers: argparse._SubParsersAction) -> None:
    verb = add_verb(
        subparsers, "discover", handle_discover, help="find registered models missing from the inventory",
        description="Compare a model registry with the inventory: untracked (registered, not in the inventory), "
        "orphaned (linked, gone from the registry), changed (the linked version, stage or digest moved since the "
        "model's last review) and linked models.",
    )
    where = verb.add_mutually_exclusive_group(required=True)
    where.add_argument("--source", metavar="NAME", help="a registry configured in the console (the run is recorded)")
    where.add_argument("--mlflow", metavar="URL", help="an MLflow tracking server, for a first look (nothing recorded)")
    verb.add_argument("--json", action="store_true", help="print the findings as JSON")


def handle_discover(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from registries import services
    from registries.adapters import RegistryUnavailable
    from registries.models import Reconciliation, Registry

    who = resolve_actor(args)
    if args.source is not None:
        registry = Registry.objects.filter(name__iexact=args.source.strip()).first()
        if registry is None:
            names = ", ".join(Registry.objects.order_by("name").values_list("name", flat=True)) or "(none configured)"
            raise CLIError(NO_SUCH_REGISTRY.format(name=args.source, names=names))
        run = services.reconcile_registry(registry=registry, actor=who.actor, now=timezone.now())
        if run.outcome != Reconciliation.Outcome.OK:
            raise CLIError(f"{registry.name} was not reconciled: {run.error}")
        findings = [(f.kind, f.registered_name, f.version, f.stage, f.model.model_name if f.model else "")
                    for f in run.findings.select_related("model").order_by("kind", "registered_name")]
        title = f"{registry.name} ({registry.url}), reconciled: {run.versions_read} version(s) read"
    else:
        try:
            plan = services.survey(url=args.mlflow, actor=who.actor)
        except ValidationError as exc:
            raise CLIError(" ".join(exc.messages), 2) from None
        except RegistryUnavailable as exc:
            raise CLIError(str(exc)) from None
        findings = sorted((f.kind, f.registered_name, f.version, f.stage, f.model.model_name if f.model else "")
                          for f in plan.findings)
        title = f"MLflow at {args.mlflow} (not recorded)"
    if args.json:
        print_json({"source": title, "counts": {g: sum(1 for f in findings if f[0] == g) for g in GROUPS},
                    "findings": [dict(zip(("kind", "registered_name", "version", "stage", "model"), f))
                                 for f in findings]})
        return EXIT_OK
    out = make_console()
    out.print(title, markup=False)
    for group in GROUPS:
        rows = [f for f in findings if f[0] == group]
        out.print(f"{group}: {len(rows)}", markup=False)
        for _, name, version, stage, model in rows:
            extra = f" -> {model}" if model else ""
            out.print(f"  {name} v{version} {stage}{extra}".rstrip(), markup=False)
    return EXIT_OK
