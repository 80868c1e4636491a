"""The scenario simulator: share one machine, or retrofit instead of buying, with uncertainty.

Every page is a GET form, so a result's address holds its inputs and seed: it can be shared,
bookmarked and printed, and gives the same figures again. Inputs are pre-filled from the
inventory (`queries.scenarios`, aggregates of enough organisations only) and the factor table;
the simulation is the plain core `impact.simulation`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.equipment.models import Process
from maillage.equipment.queries import visible_machines
from maillage.impact import charts
from maillage.impact.factors import FactorSet
from maillage.impact.forms.scenarios import (
    RetrofitForm,
    ScenarioForm,
    ShareForm,
    ids_in,
    initial_values,
    is_submitted,
)
from maillage.impact.methods import factor_label, unit_label
from maillage.impact.queries import scenarios as queries
from maillage.impact.queries.factors import current_factors
from maillage.impact.simulation import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    InputError,
    SimulationResult,
    simulate_retrofit,
    simulate_share,
)
from maillage.impact.templatetags.scenario_tags import (
    axis_text,
    axis_unit,
    count_text,
    figure,
    money,
    percent,
    share_tick,
    years_text,
)

SHARE_OUTPUT_LABELS = {
    "cost_solo": gettext_lazy("Cost of a productive hour, machine owned alone"),
    "cost_shared": gettext_lazy("Cost of a productive hour, machine shared"),
    "utilisation_solo": gettext_lazy("Utilisation, machine owned alone"),
    "utilisation_shared": gettext_lazy("Utilisation, machine shared"),
    "capex_avoided": gettext_lazy("Purchases avoided"),
    "embodied_avoided_kgco2e": gettext_lazy("Embodied carbon avoided"),
    "carbon_solo": gettext_lazy("Carbon of a productive hour, machine owned alone"),
    "carbon_shared": gettext_lazy("Carbon of a productive hour, machine shared"),
    "saving_per_year": gettext_lazy("Saving of the organisations together, a year"),
    "payback_years": gettext_lazy("Payback of setting the sharing up"),
}
RETROFIT_OUTPUT_LABELS = {
    "replace_cost_per_year": gettext_lazy("Cost a year, buying new"),
    "retrofit_cost_per_year": gettext_lazy("Cost a year, retrofitting"),
    "cost_saving_per_year": gettext_lazy("Saving a year by retrofitting"),
    "replace_kgco2e": gettext_lazy("Carbon over the horizon, buying new"),
    "retrofit_kgco2e": gettext_lazy("Carbon over the horizon, retrofitting"),
    "carbon_saving_kgco2e": gettext_lazy("Carbon saved by retrofitting"),
    "carbon_breakeven_years": gettext_lazy("Carbon break-even of buying new"),
    "payback_years": gettext_lazy("Payback of buying new by its electricity savings"),
}


CHARTS = {
    "share": (
        (gettext_lazy("Cost of a productive hour"), "cost_solo", "cost_shared"),
        (gettext_lazy("Carbon of a productive hour"), "carbon_solo", "carbon_shared"),
    ),
    "retrofit": (
        (gettext_lazy("Cost a year"), "replace_cost_per_year", "retrofit_cost_per_year"),
        (gettext_lazy("Carbon over the horizon"), "replace_kgco2e", "retrofit_kgco2e"),
    ),
}


@dataclass
class Run:
    """One scenario page: its form, what pre-filled it, its result and its address."""

    kind: str
    form: ScenarioForm
    stage: str  # "choose", "result"
    prefill: dict[str, queries.Prefill]
    factors: FactorSet
    data: QueryDict
    result: SimulationResult | None = None


def _complete(request: HttpRequest, form_class: type[ScenarioForm], prefill: Any) -> QueryDict:
    """The address's parameters, the pre-filled inputs added when none were given."""
    data = request.GET.copy()
    if not is_submitted(form_class.specs, data):
        for key, value in initial_values(form_class.specs, form_class.labels, prefill).items():
            data[key] = value
    for key, default in (("shape", "triangular"), ("draws", DEFAULT_DRAWS), ("seed", DEFAULT_SEED)):
        if not data.get(key):
            data[key] = str(default)
    for key in ("q", "org_q", "step"):
        data.pop(key, None)
    return data


def _simulate(run: Run, count: int) -> None:
    try:
        simulate = simulate_share if run.kind == "share" else simulate_retrofit
        options = {"organisations" if run.kind == "share" else "machines": count}
        run.result = simulate(
            run.form.distributions(),
            draws=run.form.cleaned_data["draws"],
            seed=run.form.cleaned_data["seed"],
            **options,
        )
    except InputError as exc:
        run.form.add_error(exc.name if exc.name in run.form.fields else None, exc.reason)


def _asked(request: HttpRequest, form_class: type[ScenarioForm]) -> bool:
    """A simulation is asked for (its button, or inputs in the address), not only a choice."""
    return "step" in request.GET or is_submitted(form_class.specs, request.GET)


def share_run(request: HttpRequest) -> Run:
    factors = current_factors()
    process = Process.objects.filter(code=request.GET.get("process", "")[:30]).first()
    chosen = request.GET.getlist("organisations")
    prefill = queries.share_prefill(process, max(2, len(chosen)), factors)
    if not _asked(request, ShareForm):
        return Run("share", ShareForm(request.GET or None), "choose", prefill, factors, QueryDict())
    data = _complete(request, ShareForm, prefill)
    run = Run("share", ShareForm(data), "result", prefill, factors, data)
    if run.form.is_valid():
        _simulate(run, len(run.form.cleaned_data["organisations"]))
    return run


def retrofit_run(request: HttpRequest) -> Run:
    factors = current_factors()
    ids = ids_in(request.GET, "machines")[: queries.MAX_MACHINES]
    machines = list(
        visible_machines(request.user).filter(pk__in=ids).select_related("organisation")
    )
    prefill = queries.retrofit_prefill(request.user, machines, factors)
    if not _asked(request, RetrofitForm):
        form = RetrofitForm(request.GET or None, user=request.user)
        return Run("retrofit", form, "choose", prefill, factors, QueryDict())
    data = _complete(request, RetrofitForm, prefill)
    run = Run("retrofit", RetrofitForm(data, user=request.user), "result", prefill, factors, data)
    if run.form.is_valid():
        _simulate(run, len(run.form.cleaned_data["machines"]))
    return run


# --- what the page shows -------------------------------------------------------------------


def _share_of_draws(counts: tuple[int, ...], draws: int) -> list[float | None]:
    return [100 * count / draws for count in counts]


SERIES_LABELS = {
    "cost_solo": gettext_lazy("Owned alone"),
    "cost_shared": gettext_lazy("Shared"),
    "carbon_solo": gettext_lazy("Owned alone"),
    "carbon_shared": gettext_lazy("Shared"),
    "replace_cost_per_year": gettext_lazy("Buying new"),
    "retrofit_cost_per_year": gettext_lazy("Retrofitting"),
    "replace_kgco2e": gettext_lazy("Buying new"),
    "retrofit_kgco2e": gettext_lazy("Retrofitting"),
}


def _chart(result: SimulationResult, labels: dict[str, Any], first: str, second: str) -> str:
    """The two outputs' histograms over the same bins, as shares of the draws, with medians."""
    one, two = result.outputs[first], result.outputs[second]
    names = (str(SERIES_LABELS[first]), str(SERIES_LABELS[second]))
    return charts.histogram_overlay(
        one.histogram.edges,
        [
            charts.Series(names[0], _share_of_draws(one.histogram.counts, result.draws)),
            charts.Series(names[1], _share_of_draws(two.histogram.counts, result.draws)),
        ],
        title=_("%(first)s and %(second)s over the draws")
        % {"first": labels[first], "second": labels[second]},
        description=_("Share of the draws in each range. Medians: %(first)s and %(second)s.")
        % {"first": figure(one.p50, one.unit), "second": figure(two.p50, two.unit)},
        x_unit=axis_unit(one.unit),
        markers=[
            (0, one.p50, _("Median: %(value)s") % {"value": figure(one.p50, one.unit)}),
            (1, two.p50, _("Median: %(value)s") % {"value": figure(two.p50, two.unit)}),
        ],
        fmt=share_tick,
        x_fmt=lambda value: axis_text(value, one.unit),
    )


def share_conclusion(result: SimulationResult) -> list[str]:
    """What a funder reads first: the medians and how often sharing wins, in plain words."""
    out = result.outputs
    values = {
        "count": result.count,
        "solo": money(out["cost_solo"].p50, 2),
        "shared": money(out["cost_shared"].p50, 2),
        "share": percent(result.probabilities["shared_cheaper"]),
        "draws": count_text(result.draws),
    }
    if out["cost_shared"].p50 < out["cost_solo"].p50:
        first = _(
            "Sharing one machine between %(count)s organisations cuts the cost of a productive "
            "hour from %(solo)s to %(shared)s (medians): sharing is cheaper in %(share)s of the "
            "%(draws)s draws."
        )
    else:
        first = _(
            "Sharing one machine between %(count)s organisations raises the cost of a productive "
            "hour from %(solo)s to %(shared)s (medians): sharing is cheaper in only %(share)s of "
            "the %(draws)s draws."
        )
    avoided = result.count - 1
    second = ngettext(
        "It avoids buying %(count)s machine (%(capex)s) and %(carbon)s of embodied carbon; "
        "a productive hour emits %(shared)s instead of %(solo)s.",
        "It avoids buying %(count)s machines (%(capex)s) and %(carbon)s of embodied carbon; "
        "a productive hour emits %(shared)s instead of %(solo)s.",
        avoided,
    ) % {
        "count": avoided,
        "capex": figure(out["capex_avoided"].p50, "EUR"),
        "carbon": figure(out["embodied_avoided_kgco2e"].p50, "kgCO2e"),
        "shared": figure(out["carbon_shared"].p50, "kgCO2e/h"),
        "solo": figure(out["carbon_solo"].p50, "kgCO2e/h"),
    }
    third = _(
        "Setting the sharing up pays back in %(p50)s (median), %(p90)s in the worst tenth of draws."
    ) % {"p50": years_text(out["payback_years"].p50), "p90": years_text(out["payback_years"].p90)}
    return [first % values, second, third]


def retrofit_conclusion(result: SimulationResult) -> list[str]:
    out = result.outputs
    first = ngettext(
        "Retrofitting %(count)s machine instead of buying a new one costs %(retrofit)s against "
        "%(replace)s (medians): retrofitting is cheaper in %(share)s of the draws.",
        "Retrofitting %(count)s machines instead of buying new ones costs %(retrofit)s against "
        "%(replace)s (medians): retrofitting is cheaper in %(share)s of the draws.",
        result.count,
    ) % {
        "count": result.count,
        "retrofit": figure(out["retrofit_cost_per_year"].p50, "EUR/year"),
        "replace": figure(out["replace_cost_per_year"].p50, "EUR/year"),
        "share": percent(result.probabilities["retrofit_cheaper"]),
    }
    second = _(
        "Over the horizon it emits %(retrofit)s against %(replace)s, less in %(share)s of the "
        "draws."
    ) % {
        "retrofit": figure(out["retrofit_kgco2e"].p50, "kgCO2e"),
        "replace": figure(out["replace_kgco2e"].p50, "kgCO2e"),
        "share": percent(result.probabilities["retrofit_lower_carbon"]),
    }
    third = _(
        "Bought new, the machines' electricity savings would repay their extra price in "
        "%(payback)s and their extra embodied carbon in %(breakeven)s (medians)."
    ) % {
        "payback": years_text(out["payback_years"].p50),
        "breakeven": years_text(out["carbon_breakeven_years"].p50),
    }
    return [first, second, third]


def _origin(start: queries.Prefill, factors: FactorSet) -> str:
    if start.origin == "inventory":
        return ngettext(
            "Inventory: median of %(count)s organisation",
            "Inventory: median of %(count)s organisations",
            start.contributors,
        ) % {"count": start.contributors}
    if start.origin == "records":
        return _("The chosen machines' own records")
    if start.origin == "public":
        return _("The chosen machines' public data and the defaults")
    keys = ", ".join(f"{key} v{factors.get(key).version}" for key in start.factors)
    return _("Factor table: %(keys)s") % {"keys": keys}


def _assumptions(run: Run) -> list[dict[str, Any]]:
    """Each input: its label, the values used, where the pre-fill came from, if it was edited."""
    rows = []
    used = run.result.inputs if run.result else {}
    for bound in run.form.range_fields():
        name = bound.name
        start = run.prefill[name]
        scale = run.form.labels[name][1]
        distribution = used.get(name)
        values = (distribution.low, distribution.mode, distribution.high) if distribution else None
        edited = values is not None and any(
            abs(a - b) > 1e-9 * max(1.0, abs(b))
            for a, b in zip(values, (start.low, start.likely, start.high), strict=True)
        )
        rows.append(
            {
                "field": bound,
                "label": run.form.labels[name][0],
                "values": [v * scale for v in values] if values else None,
                "shape": distribution.shape if distribution else "",
                "origin": _origin(start, run.factors),
                "edited": edited,
            }
        )
    return rows


def _context(request: HttpRequest, run: Run) -> dict[str, Any]:
    labels = SHARE_OUTPUT_LABELS if run.kind == "share" else RETROFIT_OUTPUT_LABELS
    query = run.data.urlencode()
    context: dict[str, Any] = {
        "run": run,
        "form": run.form,
        "assumptions": _assumptions(run),
        "factors_used": [
            {
                "factor": factor,
                "label": factor_label(factor.key),
                "unit": unit_label(factor.unit),
                "url": reverse("impact:factor", args=[factor.key]),
            }
            for factor in sorted(run.factors.used.values(), key=lambda f: f.key)
        ],
        "min_contributors": queries.min_contributors(),
        "show_errors": run.stage == "result",
        "hidden_inputs": [
            (name, value)
            for name in ("process", "organisations", "machines")
            for value in run.data.getlist(name)
        ],
    }
    if run.result is not None:
        result = run.result
        pairs = CHARTS[run.kind]
        csv_url = reverse(f"impact:scenario_{run.kind}_csv")
        context.update(
            {
                "result": result,
                "rows": [(labels[name], s) for name, s in result.outputs.items()],
                "charts": [
                    (caption, _chart(result, labels, first, second))
                    for caption, first, second in pairs
                ],
                "conclusion": (share_conclusion if run.kind == "share" else retrofit_conclusion)(
                    result
                ),
                "permalink": request.build_absolute_uri(f"{request.path}?{query}"),
                "csv_summary": f"{csv_url}?{query}",
                "csv_histogram": f"{csv_url}?{query}&part=histogram",
                "csv_inputs": f"{csv_url}?{query}&part=inputs",
            }
        )
    return context


# --- views ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The two decisions the simulator helps with, each a page of its own."""
    return render(request, "impact/scenarios/index.html")


def _page(request: HttpRequest, run: Run, template: str) -> HttpResponse:
    status = 400 if run.stage == "result" and run.result is None else 200
    return render(request, template, _context(request, run), status=status)


@login_required
def share(request: HttpRequest) -> HttpResponse:
    """What if these organisations shared one machine of this process?"""
    return _page(request, share_run(request), "impact/scenarios/share.html")


@login_required
def retrofit(request: HttpRequest) -> HttpResponse:
    """What if we retrofitted these machines instead of buying new ones?"""
    return _page(request, retrofit_run(request), "impact/scenarios/retrofit.html")


def _csv(run: Run, part: str) -> HttpResponse:
    if run.result is None:
        errors = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in run.form.errors.items()
        )
        return HttpResponse(
            errors or _("Choose what to simulate first."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    result = run.result
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-{run.kind}-{part}.csv"'
    response.write("\ufeff")  # so that spreadsheets read the accents
    writer = csv.writer(response)
    labels = SHARE_OUTPUT_LABELS if run.kind == "share" else RETROFIT_OUTPUT_LABELS
    if part == "histogram":
        writer.writerow(["output", "bin_low", "bin_high", "draws"])
        for name, summary in result.outputs.items():
            edges = summary.histogram.edges
            for low, high, count in zip(
                edges[:-1], edges[1:], summary.histogram.counts, strict=True
            ):
                writer.writerow([name, repr(low), repr(high), count])
    elif part == "inputs":
        writer.writerow(["input", "label", "unit", "shape", "low", "likely", "high", "origin"])
        for spec in run.form.specs:
            d = result.inputs[spec.name]
            origin = _origin(run.prefill[spec.name], run.factors)
            label = run.form.labels[spec.name][0]
            writer.writerow([spec.name, label, spec.unit, d.shape, d.low, d.mode, d.high, origin])
    else:
        writer.writerow(["output", "label", "unit", "p10", "p50", "p90", "mean", "never_share"])
        for name, s in result.outputs.items():
            mean = "" if s.mean is None else repr(s.mean)
            writer.writerow(
                [name, labels[name], s.unit, repr(s.p10), repr(s.p50), repr(s.p90), mean, s.never]
            )
        for name, value in result.probabilities.items():
            writer.writerow([name, "", "share of draws", "", repr(value), "", "", ""])
        writer.writerow(["draws", "", "", "", result.draws, "", "", ""])
        writer.writerow(["seed", "", "", "", result.seed, "", "", ""])
    return response


@login_required
def share_csv(request: HttpRequest) -> HttpResponse:
    return _csv(share_run(request), request.GET.get("part", "summary"))


@login_required
def retrofit_csv(request: HttpRequest) -> HttpResponse:
    return _csv(retrofit_run(request), request.GET.get("part", "summary"))
