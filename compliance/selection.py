"""The compliance gate's question: how does a selection (every model, one risk tier, or one model)
stand against the rules? ``mltrack validate`` and ``check`` ask it locally; the API's check
endpoint asks it for a remote ``mltrack check``, so both give the same verdict, results and exit
code from the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property

from compliance.engine import Evaluation, ModelResult, evaluate
from inventory.models import AIModel

EXIT_COMPLIANT = 0
EXIT_NOT_COMPLIANT = 1


class Verdict:
    """The evaluation of a selection, the results it lists, and how many models it holds."""

    def __init__(self, evaluation: Evaluation, *, model: AIModel | None, tier: str | None,
                 retired: ModelResult | None) -> None:
        self.evaluation = evaluation
        self._model, self._tier, self._retired = model, tier, retired

    @property
    def exit_code(self) -> int:
        """The gate's answer: 0 when every evaluated model passes (nothing evaluated passes too), else 1."""
        return EXIT_NOT_COMPLIANT if self.evaluation.summary.failed else EXIT_COMPLIANT

    def results(self) -> Iterable[ModelResult]:
        """Every result to list: failing models first, then passing ones; a retired model asked
        for by name is listed as "not evaluated", never as a failure."""
        return [self._retired] if self._retired is not None else self.evaluation.results()

    @cached_property
    def total(self) -> int:
        """Models in the selection, retired ones included (the report's "Total Models"); one COUNT."""
        if self._model is not None:
            return 1
        models = AIModel.objects.all() if self._tier is None else AIModel.objects.filter(risk_tier=self._tier)
        return models.count()

    def as_dict(self) -> dict:
        """The verdict as the API gives it: the exit code, the total, and the evaluation in the shape
        of ``mltrack validate --json``."""
        return {
            "compliant": self.exit_code == EXIT_COMPLIANT,
            "exit_code": self.exit_code,
            "total": self.total,
            "evaluation": self.evaluation.as_dict(self.results()),
        }


def evaluate_selection(*, today: dt.date, model: AIModel | None = None, tier: str | None = None) -> Verdict:
    """Evaluate one model (found by the caller), the models of one tier, or, with neither, every model.

    A whole selection reads every result at once (it is listed in full); one model is two queries.
    """
    if model is None:
        queryset = AIModel.objects.filter(risk_tier=tier) if tier else None
        return Verdict(evaluate(today=today, queryset=queryset, every_result=True), model=None, tier=tier,
                       retired=None)
    evaluation = evaluate(today=today, queryset=AIModel.objects.filter(pk=model.pk))
    retired = None
    if not evaluation.summary.evaluated:
        # A retired model is outside the evaluated population: listed as "not evaluated", never a failure.
        retired = ModelResult(model.pk, model.model_name, model.risk_tier, model.status, evaluated=False)
    return Verdict(evaluation, model=model, tier=tier, retired=retired)
