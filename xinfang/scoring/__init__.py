"""绩效评价指标体系: framework files, scoring rules, manual scores, scorecard and grade.

One module per concern:

* :mod:`~xinfang.scoring.framework` — the framework YAML, parsed and validated into
  :class:`Framework` / :class:`Node` / :class:`Leaf` (:func:`load_framework`);
* :mod:`~xinfang.scoring.rules` — the rule functions (ratio, threshold, deduction, reversed);
* :mod:`~xinfang.scoring.manual` — manual scores from params, ``{score, evidence, reason}``;
* :mod:`~xinfang.scoring.leaf` — one leaf's :class:`LeafScore`, and the policy for missing inputs
  (未评分) versus undefined values (0 points);
* :mod:`~xinfang.scoring.card` — :func:`score` → :class:`Scorecard`: total out of the weight
  scored, grade withheld unless every leaf is scored, per-一级 :class:`Level1Score`.
"""
from __future__ import annotations

from .card import GRADES, Level1Score, Scorecard, grade, score, to_hundred, unscored_text
from .framework import FIELDS, RULES, Framework, Leaf, Node, load_framework, parse_framework
from .leaf import NOTE_NO_MANUAL, NOTE_UNDEFINED, UNSCORED, LeafScore, missing_reason
from .manual import ManualScore, parse_manual_scores
from .rules import deduction_score, ratio_score, reversed_score, threshold_score

__all__ = [
    "FIELDS",
    "GRADES",
    "NOTE_NO_MANUAL",
    "NOTE_UNDEFINED",
    "RULES",
    "UNSCORED",
    "Framework",
    "Leaf",
    "LeafScore",
    "Level1Score",
    "ManualScore",
    "Node",
    "Scorecard",
    "deduction_score",
    "grade",
    "load_framework",
    "missing_reason",
    "parse_framework",
    "parse_manual_scores",
    "ratio_score",
    "reversed_score",
    "score",
    "to_hundred",
    "unscored_text",
    "threshold_score",
]
