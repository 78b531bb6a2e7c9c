"""mltrack token create | list | revoke: your API tokens, as on the console's API tokens page.

A token acts with its account's role, so the CLI must act for an account (--user or MLTRACK_USER):
the local operator has no account to lend a token. ``list --all`` and revoking another account's
token are for administrators (and the local operator, who can read the database anyway).
"""

from __future__ import annotations

import argparse

from common.cli import (
    EXIT_OK,
    CLIError,
    add_verb,
    positive_int,
    positive_int_up_to,
    print_json,
    resolve_actor,
    user_option,
)

MAX_DAYS = 3650  # api.services.MAX_EXPIRY_DAYS, without loading Django to build the parser
NO_SUCH_TOKEN_MESSAGE = "No API token with id {id} that you may see (mltrack token list shows yours)."


def register(subparsers: argparse._SubParsersAction) -> None:
    token = add_verb(
        subparsers, "token", handle_token, help="create, list and revoke API tokens",
        description="API tokens let a pipeline or script use the REST API (and mltrack check --url) as you, "
        "with your role. A new token is printed once; only its SHA-256 is kept.",
    )
    actions = token.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[user_option()], help="make a token and print it, once",
                                description="Make a token for your account and print it. It is shown this once.")
    create.add_argument("name", metavar="NAME", help="what will use it, e.g. 'fraud-detector CI gate'")
    create.add_argument("--read-only", action="store_true", help="only reads (GET): enough for a CI gate")
    create.add_argument("--expires-in-days", metavar="DAYS", type=positive_int_up_to(MAX_DAYS),
                        default=None, help=f"days until it expires (1 to {MAX_DAYS}; default: never)")
    create.add_argument("--json", action="store_true", help="print the token and its details as JSON")
    listing = actions.add_parser("list", parents=[user_option()], help="list your tokens (never the tokens themselves)",
                                 description="Your tokens, newest first, revoked and expired ones included.")
    listing.add_argument("--all", action="store_true", help="every account's tokens (administrators)")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    revoke = actions.add_parser("revoke", parents=[user_option()], help="revoke a token: it is refused from now on",
                                description="Revoke a token by its id (see mltrack token list). It stays listed, "
                                "as revoked.")
    revoke.add_argument("id", metavar="ID", type=positive_int, help="the token's id")
    revoke.add_argument("--json", action="store_true", help="print the revoked token as JSON")
    for parser in (create, listing, revoke):
        parser.set_defaults(verb_parser=parser)


def handle_token(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    who = resolve_actor(args)
    try:
        return {"create": _create, "list": _list, "revoke": _revoke}[args.action](args, who)
    except ValidationError as exc:
        raise CLIError(" ".join(exc.messages)) from None


def _create(args: argparse.Namespace, who) -> int:
    from django.utils import timezone

    from api import services
    from api.cli.output import token_json, write_new_token

    new = services.create_token(actor=who.actor, name=args.name, read_only=args.read_only,
                                expires_in_days=args.expires_in_days, now=timezone.now())
    if args.json:
        print_json({**token_json(new.token), "token": new.secret})
    else:
        write_new_token(new)
    return EXIT_OK


def _list(args: argparse.Namespace, who) -> int:
    from api import services
    from api.cli.output import token_json, write_tokens

    tokens = list(services.visible_tokens(actor=who.actor, everyone=args.all))
    if args.json:
        print_json([token_json(token) for token in tokens])
    else:
        write_tokens(tokens, everyone=args.all)
    return EXIT_OK


def _revoke(args: argparse.Namespace, who) -> int:
    from django.utils import timezone

    from api import services
    from api.cli.output import token_json
    from common.cli import make_console

    visible = services.visible_tokens(actor=who.actor, everyone=who.may(_manages_all))
    token = visible.filter(pk=args.id).first()
    if token is None:
        raise CLIError(NO_SUCH_TOKEN_MESSAGE.format(id=args.id))
    token = services.revoke_token(token=token, actor=who.actor, now=timezone.now())
    if args.json:
        print_json(token_json(token))
    else:
        make_console().print(f"Revoked the token {token.name!r} ({token.prefix}…) of {token.user.get_username()}: "
                             "it is refused from now on.", markup=False)
    return EXIT_OK


def _manages_all(user) -> bool:
    from api.permissions import can_manage_all_tokens

    return can_manage_all_tokens(user)
