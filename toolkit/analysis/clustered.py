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
    Moore-Penrose inverse): such a coefficient has no variance of its own, and few degrees of freedom."""
    n, k = X.shape
    bread = np.linalg.pinv(X.T @ X)
    order = np.argsort(groups, kind="stable")
    scores, lengths, projected = [], [], []
    for rows in np.split(order, np.flatnonzero(np.diff(groups[order])) + 1):
        Xg = X[rows]
        q, r = np.linalg.qr(Xg)  # reduced: q is n_g x min(n_g, k), the cluster's column space
        leverage, vectors = np.linalg.eigh(r @ bread @ r.T)  # H_gg = basis diag(leverage) basis'
        room = 1.0 - np.clip(leverage, 0.0, 1.0)
        factor = np.where(room > 1e-10, 1.0 / np.sqrt(np.maximum(room, 1e-300)), 0.0) - 1.0
        basis = q @ vectors
        # (I - H_gg)^(-1/2) v = v + basis diag(factor) basis' v: the identity outside the column space
        adjusted = np.column_stack([residuals[rows], Xg @ bread])
        adjusted = adjusted + basis @ (factor[:, None] * (basis.T @ adjusted))
        scores.append(Xg.T @ adjusted[:, 0])
        v = adjusted[:, 1:]  # column j: A_g X~_g B e_j
        lengths.append(np.einsum("ij,ij->j", v, v))  # v_gj' v_gj
        projected.append(Xg.T @ v)  # column j: u_gj = X~_g' v_gj
    score = np.array(scores)
    covariance = bread @ (score.T @ score) @ bread
    d, u = np.array(lengths), np.array(projected)  # G x k, G x k x k
    quad = np.einsum("gaj,ab,gbj->gj", u, bread, u)  # u_gj' B u_gj
    trace = d.sum(0) - quad.sum(0)
    square = np.empty(k)
    for j in range(k):
        bs = bread @ (u[:, :, j].T @ u[:, :, j])  # B times the sum over clusters of u_gj u_gj'
        square[j] = (d[:, j] ** 2).sum() - 2 * (d[:, j] * quad[:, j]).sum() + np.trace(bs @ bs)
    df = np.where(square > 0, trace**2 / np.where(square > 0, square, 1.0), 1.0)
    return covariance, np.maximum(df, 1.0)


def working_regression(X: np.ndarray, y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weighted design and residuals of a binomial GLM with the logit link at its fitted ``mu`` (unit
    ``weights`` as statsmodels' ``var_weights``): what :func:`cr2` takes."""
    working = weights * mu * (1.0 - mu)
    root = np.sqrt(np.maximum(working, 1e-300))
    return X * root[:, None], weights * (y - mu) / root
