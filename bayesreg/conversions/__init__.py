"""Penalty <-> prior conversions: pure math, no models (:mod:`bayesreg.conversions.rules` derives every rule)."""

from bayesreg.conversions.rules import (
    GLMNET_FAMILIES,
    PenaltyWeights,
    enet_from_weights,
    glmnet_from_weights,
    glmnet_penalty_factor,
    glmnet_y_scale,
    logistic_from_weights,
    ridge_from_weights,
    weights_from_enet,
    weights_from_enet_path,
    weights_from_glmnet,
    weights_from_logistic,
    weights_from_ridge,
    weights_from_ridge_path,
)

__all__ = [
    "GLMNET_FAMILIES",
    "PenaltyWeights",
    "enet_from_weights",
    "glmnet_from_weights",
    "glmnet_penalty_factor",
    "glmnet_y_scale",
    "logistic_from_weights",
    "ridge_from_weights",
    "weights_from_enet",
    "weights_from_enet_path",
    "weights_from_glmnet",
    "weights_from_logistic",
    "weights_from_ridge",
    "weights_from_ridge_path",
]
