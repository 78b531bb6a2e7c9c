"""Finding a model by the name a user typed, with close names suggested when there is none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.cli.errors import EXIT_FAILED, UNKNOWN_MODEL, CLIError

if TYPE_CHECKING:
    from inventory.models import AIModel, AIModelQuerySet

NOT_FOUND_MESSAGE = 'No model named "{name}".'
DID_YOU_MEAN_MESSAGE = " Did you mean: {names}?"
# Did-you-mean compares against every name in a small inventory, and otherwise against names
# sharing the first or last three characters, at most this many of each (bounded at 100,000).
SUGGESTION_POOL = 5000


def similar_names(name: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` model names close to ``name``, from a bounded set of candidates."""
    from difflib import get_close_matches

    from common.text import is_clean_line
    from inventory.models import AIModel

    name = name.strip()
    if not is_clean_line(name):
        # No model has such a name, and PostgreSQL refuses NUL in a query.
        return []
    names = AIModel.objects.order_by().values_list("model_name", flat=True)
    pool = list(names[: SUGGESTION_POOL + 1])
    if len(pool) > SUGGESTION_POOL:
        pool = []
        for piece, lookup in ((name[:3], "istartswith"), (name[-3:], "iendswith")):
            if piece:
                pool += names.filter(**{f"model_name__{lookup}": piece}).order_by("model_name")[:SUGGESTION_POOL]
    by_lower = {candidate.lower(): candidate for candidate in pool}
    return [by_lower[m] for m in get_close_matches(name.lower(), sorted(by_lower), n=limit, cutoff=0.6)]


def find_model(name: str, queryset: AIModelQuerySet | None = None, *, exit_code: int = EXIT_FAILED) -> AIModel:
    """The model named ``name`` as people read it (any case or width; ``AIModelQuerySet.named``),
    from ``queryset`` (default: ``for_detail()``).

    Not found: CLIError "unknown_model" with close names suggested, exit 1 (``exit_code``: the
    compliance gate's 2, "asked the wrong question"). Check the view permission first, so that
    suggestions never show names to someone who may not see them.
    """
    from inventory.models import AIModel

    from common.text import escape_line

    queryset = queryset if queryset is not None else AIModel.objects.for_detail()
    model = queryset.named(name).first()
    if model is None:
        message = NOT_FOUND_MESSAGE.format(name=escape_line(name))
        suggestions = similar_names(name)
        if suggestions:
            message += DID_YOU_MEAN_MESSAGE.format(names=", ".join(suggestions))
        raise CLIError(message, exit_code, code=UNKNOWN_MODEL, suggestions=suggestions)
    return model
