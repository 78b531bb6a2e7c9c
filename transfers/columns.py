"""The columns of an inventory file: the models table and the review-history table, what each
column holds, and how a file's own headers are matched to them.

A header matches a column when, written plainly (case, accents' width, spaces, underscores,
hyphens, line breaks and a trailing "*" aside), it is the column's field name, its label or one of
its common variants ("Provider" for vendor, "Go-live date" for deployment date). A mapping file
names the rest; whatever is still unmatched is reported, never silently dropped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from cards.models import MODEL_CARD_SECTIONS
from inventory.models import DataClassification, Environment, ModelType, RiskTier, Status
from reviews.models import Outcome

# What a column holds, which decides how a cell is read and written.
TEXT, LINE, DATE, CHOICE, NUMBER = "text", "line", "date", "choice", "number"


@dataclass(frozen=True)
class Column:
    """One column of a table: the field it fills, how people may head it, and what it allows."""

    field: str
    label: str
    kind: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    variants: tuple[str, ...] = ()
    # What the column is for, and where the value comes from (the template's documentation sheet).
    help: str = ""
    # Derived by MLTrack: exported for the reader, checked on import, never typed in.
    derived: bool = False

    def allowed(self) -> str:
        if self.kind == CHOICE:
            return ", ".join(value for value, _ in self.choices)
        if self.kind == DATE:
            return "a date, YYYY-MM-DD"
        if self.kind == NUMBER:
            return "a whole number"
        return "one line of text" if self.kind == LINE else "text; line breaks allowed"


def _choices(choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in choices.choices)


MODEL_COLUMNS: tuple[Column, ...] = (
    Column("model_name", "Model name", LINE, True, variants=("model", "name", "model id", "model identifier",
           "model title", "system name", "ai system"),
           help="Unique name; names differing only in case, width or look-alike letters are the same name."),
    Column("vendor", "Vendor", LINE, True, variants=("provider", "vendor name", "supplier", "developer", "source"),
           help="Who provides the model: Anthropic, OpenAI, AWS, In-house, ..."),
    Column("risk_tier", "Risk tier", CHOICE, True, _choices(RiskTier),
           variants=("risk", "tier", "risk rating", "risk level", "materiality", "risk classification", "model risk"),
           help="Decides the review cycle."),
    Column("use_case", "Use case", TEXT, True, variants=("purpose", "description", "business use", "use"),
           help="The business use the model serves."),
    Column("business_owner", "Business owner", LINE, True,
           variants=("model owner", "accountable owner", "business contact", "accountable executive"),
           help="The accountable business stakeholder."),
    Column("technical_owner", "Technical owner", LINE, True,
           variants=("tech owner", "technical contact", "model developer", "development team", "maintainer"),
           help="The team or person maintaining the model."),
    Column("deployment_date", "Deployment date", DATE, True,
           variants=("deployed", "deployed on", "deployment", "go live", "go live date", "production date",
                     "implementation date", "date deployed"),
           help="When the model went into use; not in the future."),
    Column("model_version", "Model version", LINE, variants=("version",)),
    Column("deployment_environment", "Environment", CHOICE, choices=_choices(Environment),
           variants=("env", "deployment environment")),
    Column("api_endpoint", "API endpoint", LINE, variants=("endpoint", "url", "api url", "api"),
           help="A full http:// or https:// URL."),
    Column("data_classification", "Data classification", CHOICE, choices=_choices(DataClassification),
           variants=("classification", "data sensitivity", "sensitivity", "data class")),
    Column("model_type", "Model type", CHOICE, choices=_choices(ModelType),
           variants=("type", "model category", "category", "technique")),
    Column("business_line", "Business line", LINE,
           variants=("business unit", "line of business", "lob", "division", "department")),
    Column("status", "Status", CHOICE, choices=_choices(Status), variants=("lifecycle", "lifecycle status", "state"),
           help="Empty means active. Lifecycle moves forward only: active, deprecated, decommissioned."),
    Column("status_changed_on", "Status date", DATE, variants=("status changed", "status changed on", "status since"),
           help="When the model entered its status; empty means today."),
    Column("owner", "Owner account", LINE, variants=("owner account", "owner username", "mltrack owner"),
           help="The username of the account that maintains the model as its owner."),
    Column("notes", "Notes", TEXT, variants=("note", "comments", "comment", "remarks")),
    Column("last_review_date", "Last review", DATE,
           variants=("last review", "last reviewed", "last validation", "last validation date", "last validated",
                     "date of last review"),
           help="The latest passed or warning review. Without a review history in the file, a review record "
                "is made for it (outcome passed); with one, it must agree with it."),
    Column("next_review_date", "Next review", DATE, derived=True,
           variants=("next review", "next review due", "review due", "next validation", "next validation date"),
           help="Derived: one policy cycle after the last review (or deployment). Checked on import."),
    Column("review_policy_version", "Review policy version", NUMBER, derived=True,
           variants=("policy version", "review policy"),
           help="Derived: the policy version that set the next review. Checked on import."),
    # The model card's sections its owners write (cards.models.MODEL_CARD_SECTIONS), after the inventory's own.
    *(Column(key, f"Card: {title}", TEXT, variants=(title, f"model card {title}"),
             help=f"The model card's section \"{title}\" (docs/cards.md). Empty: the section is empty; "
                  "without this column an import leaves the section as it is.")
      for key, title in MODEL_CARD_SECTIONS),
)

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("model_name", "Model name", LINE, True, variants=("model", "name"),
           help="The reviewed model, as named in the models table."),
    Column("review_date", "Review date", DATE, True, variants=("date", "reviewed on", "review"),
           help="Not in the future, not before the model's deployment."),
    Column("outcome", "Outcome", CHOICE, True, _choices(Outcome), variants=("result", "review outcome")),
    Column("reviewer", "Reviewer", LINE, True, variants=("reviewed by", "validator"),
           help="Who performed the review."),
    Column("reviewer_account", "Reviewer account", LINE, variants=("reviewer username", "reviewer user"),
           help="The username of the reviewer's account, when the review is linked to one."),
    Column("notes", "Notes", TEXT, variants=("note", "comments", "findings")),
    Column("corrects", "Corrects", NUMBER, variants=("correction of",),
           help="A correction: the number of the review it corrects among this model's reviews in this table "
                "(1 for its first). Empty for an ordinary review."),
)

TABLES = {"models": MODEL_COLUMNS, "reviews": REVIEW_COLUMNS}
# The model-table columns that fill a model card's sections rather than the model itself.
CARD_FIELDS = tuple(key for key, _ in MODEL_CARD_SECTIONS)
MODEL_FIELDS = tuple(column.field for column in MODEL_COLUMNS)
REVIEW_FIELDS = tuple(column.field for column in REVIEW_COLUMNS)

_SEPARATORS = re.compile(r"[\s_\-./]+")
_DECORATION = re.compile(r"[*:()\[\]#]+")


def plain_header(header: object) -> str:
    """A header as matching compares it: "Model\\nName *" and "model_name" both read "model name"."""
    value = unicodedata.normalize("NFKC", str(header if header is not None else "")).casefold()
    value = _DECORATION.sub(" ", value)
    return " ".join(_SEPARATORS.sub(" ", value).split())


def _index(columns: tuple[Column, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in columns:
        for name in (column.field, column.label, *column.variants):
            names.setdefault(plain_header(name), column.field)
    return names


_NAMES = {table: _index(columns) for table, columns in TABLES.items()}


def column_for(table: str, header: object) -> str | None:
    """The field a header names in ``table`` ("models" or "reviews"), or None."""
    return _NAMES[table].get(plain_header(header))


def suggest(table: str, header: object, *, exclude: frozenset[str] = frozenset()) -> str | None:
    """The field an unfamiliar header most likely means (by the closeness of its words to the
    fields' names, labels and variants), or None when nothing is close."""
    plain = plain_header(header)
    if not plain:
        return None
    best, best_score = None, 0.0
    for name, field in _NAMES[table].items():
        if field in exclude:
            continue
        score = difflib.SequenceMatcher(None, plain, name).ratio()
        # A header containing a field's whole name ("Vendor / supplier") is a strong hint.
        if len(name) > 3 and (f" {name} " in f" {plain} "):
            score = max(score, 0.8)
        if score > best_score:
            best, best_score = field, score
    return best if best_score >= 0.72 else None


def columns_of(table: str) -> dict[str, Column]:
    return {column.field: column for column in TABLES[table]}
