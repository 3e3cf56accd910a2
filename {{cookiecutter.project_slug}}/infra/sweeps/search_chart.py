"""A search's charts, one HTML page drawn with pygal like the sweep chart: the objective of each
trial with the best value so far, then each parameter against the objective (a scatter for a
number, a box per value for a choice). Failed trials have no value, so no point.
"""

import html
import math
from collections.abc import Sequence
from pathlib import Path

import optuna
import pygal
from optuna.distributions import CategoricalDistribution, IntDistribution

SIZE = {"width": 800, "height": 340, "js": [], "disable_xml_declaration": True}


def write_search_chart(study: optuna.Study, path: Path) -> Path:
    """Draw ``study``'s completed trials into the page ``path``."""
    trials = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    charts = []
    for index, direction in enumerate(study.directions):
        charts.append(_progress(trials, index, direction.name.lower(), len(study.directions)))
    names = list(dict.fromkeys(name for trial in trials for name in trial.params))
    for name in names:
        charts.append(_parameter(trials, name))
    title = html.escape(f"Study {study.study_name}: {len(trials)} completed trial(s)")
    page = f'<!DOCTYPE html>\n<meta charset="utf-8">\n<title>{title}</title>\n<h2>{title}</h2>\n'
    path.write_text(page + "\n".join(charts) + "\n", encoding="utf-8")
    return path


def _progress(trials: Sequence[optuna.trial.FrozenTrial], index: int, direction: str, n: int):
    """The objective per trial number, and the best value so far as a step line."""
    label = "objective" if n == 1 else f"objective {index}"
    chart = pygal.XY(title=f"{label} per trial ({direction})", x_title="trial", **SIZE)
    points, best_line, best = [], [], None
    better = max if direction == "maximize" else min
    for trial in sorted(trials, key=lambda trial: trial.number):
        value = trial.values[index]
        if best is not None:  # a step: the line rises (or falls) only at a better trial
            best_line.append((trial.number, best))
        best = value if best is None else better(best, value)
        points.append((trial.number, value))
        best_line.append((trial.number, best))
    chart.add(label, points, stroke=False)
    chart.add("best so far", best_line, show_dots=False)
    return chart.render(is_unicode=True)


def _parameter(trials: Sequence[optuna.trial.FrozenTrial], name: str):
    """One parameter against the (first) objective."""
    having = [trial for trial in trials if name in trial.params]
    title = f"{name} vs objective"
    if isinstance(having[0].distributions[name], CategoricalDistribution):
        chart = pygal.Box(title=title, x_title=name, box_mode="tukey", **SIZE)
        for choice in sorted({trial.params[name] for trial in having}, key=str):
            values = [t.values[0] for t in having if t.params[name] == choice]
            chart.add(str(choice), values)
        return chart.render(is_unicode=True)
    distribution = having[0].distributions[name]
    log = getattr(distribution, "log", False)
    chart = pygal.XY(title=title, x_title=name, show_legend=False, **SIZE)
    if isinstance(distribution, IntDistribution) and not log:  # whole numbers on the axis
        chart.x_labels = sorted({int(trial.params[name]) for trial in having})
    chart.add(name, [(_x(t.params[name], log), t.values[0]) for t in having], stroke=False)
    if log:
        chart.x_title = f"log10 {name}"
    return chart.render(is_unicode=True)


def _x(value: float, log: bool) -> float:
    return math.log10(value) if log else float(value)
