"""Cluster-robust covariance for few clusters: CR2 (Bell and McCaffrey 2002) with the degrees of freedom of each
coefficient (Imbens and Kolesár 2016; Pustejovsky and Tipton 2018, as R's clubSandwich), for a fitted GLM's
working weighted regression.

The working model at convergence: weights ``W = w * (dmu/deta)**2 / var(mu)`` (for the logit link ``w * mu * (1 -
mu)``), ``X~ = sqrt(W) X`` and residuals ``r = w * (y - mu) / sqrt(W)`` so that ``X~' r`` is the score. CR2 scales
each cluster's residuals by ``(I - H_gg)^(-1/2)`` (``H`` the hat matrix of ``X~``), computed in the cluster's column
space (its rank is at most the number of coefficients), so a cluster of thousands of units costs no more than a
thin QR. The degrees of freedom of coefficient j are ``(tr M)**2 / tr(M**2)`` of the G x G matrix ``M = G' G``
whose column g is ``(I - H)_{., g} A_g X~_g B e_j``; its traces are sums over clusters (no G x G matrix is made).
"""

from __future__ import annotations

import numpy as np


def cr2(X: np.ndarray, residuals: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CR2 covariance of the coefficients of the weighted regression with (already weighted) design ``X`` and
    residuals, clustered by ``groups`` (integer codes), and each coefficient's degrees of freedom (at least 1). A
    cluster's direction of full leverage (a category of one cluster) gets no residual in that direction (the
    Moore-Penrose inverse): such a coefficient has no variance of its own, and few degrees of freedom.

    Computed on the orthonormal basis ``U`` of ``X = U S V'`` (the same model: ``b = C g`` with ``C = V S^-1``, so
    ``(X'X)+ = C C'``, ``H = U U'``, and coefficient j is the contrast ``C' e_j`` of ``g``), never by inverting
    ``X'X``, which squares the condition number: a population series beside year (nearly a line in it) lost a
    direction to rounding that way, and its slope got p 0.003 where it has 0.4."""
    n, k = X.shape
    u_all, singular, vt = np.linalg.svd(X, full_matrices=False)
    keep = singular > singular.max() * max(n, k) * np.finfo(float).eps if singular.size else singular > 0
    U, C = u_all[:, keep], vt[keep].T / singular[keep]  # k x r: the coefficients from the basis's
    order = np.argsort(groups, kind="stable")
    scores, lengths, projected = [], [], []
    for rows in np.split(order, np.flatnonzero(np.diff(groups[order])) + 1):
        Ug = U[rows]
        q, r = np.linalg.qr(Ug)  # reduced: q is n_g x min(n_g, r), the cluster's column space
        leverage, vectors = np.linalg.eigh(r @ r.T)  # H_gg = Ug Ug' = basis diag(leverage) basis'
        room = 1.0 - np.clip(leverage, 0.0, 1.0)
        factor = np.where(room > 1e-10, 1.0 / np.sqrt(np.maximum(room, 1e-300)), 0.0) - 1.0
        basis = q @ vectors
        # (I - H_gg)^(-1/2) v = v + basis diag(factor) basis' v: the identity outside the column space
        adjusted = np.column_stack([residuals[rows], Ug @ C.T])
        adjusted = adjusted + basis @ (factor[:, None] * (basis.T @ adjusted))
        scores.append(Ug.T @ adjusted[:, 0])
        v = adjusted[:, 1:]  # column j: A_g X~_g B e_j (= A_g U_g C' e_j)
        lengths.append(np.einsum("ij,ij->j", v, v))  # v_gj' v_gj
        projected.append(Ug.T @ v)  # column j: U_g' v_gj (X~_g' v_gj in the basis)
    score = np.array(scores)
    covariance = C @ (score.T @ score) @ C.T
    d, u = np.array(lengths), np.array(projected)  # G x k, G x r x k
    quad = np.einsum("gaj,gaj->gj", u, u)  # the hat matrix's part: u_gj' u_gj
    trace = d.sum(0) - quad.sum(0)
    square = np.empty(k)
    for j in range(k):
        outer = u[:, :, j].T @ u[:, :, j]  # the sum over clusters of u_gj u_gj'
        square[j] = (d[:, j] ** 2).sum() - 2 * (d[:, j] * quad[:, j]).sum() + np.sum(outer * outer)
    df = np.where(square > 0, trace**2 / np.where(square > 0, square, 1.0), 1.0)
    return covariance, np.maximum(df, 1.0)


def working_regression(X: np.ndarray, y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weighted design and residuals of a binomial GLM with the logit link at its fitted ``mu`` (unit
    ``weights`` as statsmodels' ``var_weights``): what :func:`cr2` takes."""
    working = weights * mu * (1.0 - mu)
    root = np.sqrt(np.maximum(working, 1e-300))
    return X * root[:, None], weights * (y - mu) / root


def exactly_fitted(X: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The directions of the coefficients of the design ``X`` clustered by ``groups`` (coefficients x directions,
    each scaled to unit length; none: zero columns) that some cluster fits and no other informs (full leverage: place
    A's intercept and slope in ``year * place`` from its two documents; a category of one cluster). The clustered
    error has no residual along them (:func:`cr2` gives it none), so a coefficient, or a prediction ``x' b``, that
    moves along one has a variance that says nothing of it: p-values of 4e-5 with no effect. Positive weights do not
    change which directions these are, so the design's distinct rows per cluster are read, unweighted."""
    rows = np.column_stack([groups, X])
    distinct = np.unique(rows, axis=0)
    labels, Z = distinct[:, 0], distinct[:, 1:]
    # the hat matrix and the pseudo-inverse from the SVD of the design itself, not from Z'Z: a year column of 2015s
    # squares the condition number, and two documents fitted exactly had leverage 0.999999 (not 1) that way
    u, singular, vt = np.linalg.svd(Z, full_matrices=False)
    keep = singular > singular.max() * max(Z.shape) * np.finfo(float).eps if singular.size else singular > 0
    u, pinv_rows = u[:, keep], vt[keep].T / singular[keep]  # Z+ = pinv_rows @ u'
    directions = [np.zeros((X.shape[1], 0))]
    for g in np.unique(labels):
        ug = u[labels == g]
        leverage, vectors = np.linalg.eigh(ug @ ug.T)
        full = vectors[:, leverage > 1 - 1e-6]
        if full.size:
            moved = pinv_rows @ (ug.T @ full)  # how the coefficients move along each fully fitted direction
            directions.append(moved / np.maximum(np.linalg.norm(moved, axis=0), 1e-300))
    return np.concatenate(directions, axis=1)


def moves_along(values: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Per row of ``values`` (weights on the coefficients: the identity for the coefficients themselves, a grid's
    design for its predictions): whether it moves along one of ``directions`` (:func:`exactly_fitted`), beyond
    rounding."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    if not directions.size:
        return np.zeros(len(values), dtype=bool)
    # against the size of the sum's terms (a year of 2015 times a small slope component is no rounding: the row's own
    # size would call it one), and above the rounding of the unit-length directions themselves
    moved = np.abs(values @ directions)
    terms = np.abs(values) @ np.abs(directions)
    return ((moved > 1e-6 * terms) & (moved > 1e-9 * np.linalg.norm(values, axis=1, keepdims=True))).any(axis=1)
