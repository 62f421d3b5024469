"""Temperature scaling: one parameter that turns classifier scores into honest probabilities.

It divides the scores by T before the softmax, so the ranking (and so accuracy) is unchanged
while over- or under-confidence is corrected. T is fitted on held-out scores by log-loss.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax


def fit_temperature(scores: NDArray[np.float64], label_indices: NDArray[np.intp]) -> float:
    """The T in [0.05, 20] that minimises the negative log-likelihood of the true labels."""
    rows = np.arange(len(label_indices))

    def negative_log_likelihood(log_temperature: float) -> float:
        log_probabilities = log_softmax(scores / np.exp(log_temperature), axis=1)
        return float(-log_probabilities[rows, label_indices].mean())

    result = minimize_scalar(negative_log_likelihood, bounds=(np.log(0.05), np.log(20.0)))
    return float(np.exp(result.x))


def probabilities(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    return np.asarray(softmax(scores / temperature, axis=1), dtype=np.float64)


def expected_calibration_error(
    probs: NDArray[np.float64], label_indices: NDArray[np.intp], bins: int = 10
) -> float:
    """Mean |confidence - accuracy| over equal-width confidence bins, weighted by bin size."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == label_indices
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(error)
