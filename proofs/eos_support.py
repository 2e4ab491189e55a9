"""Small helpers shared by the eos_* proof scripts (no claims here).

:func:`equal_mod` works around normal_form(modulo=...) building its Gröbner basis over ℤ, which
fails on numerators with non-integer rational coefficients (see docs/eos-2d.md, Requests): it
scales the difference by a positive integer first, which changes no identity.
"""

from __future__ import annotations

import sympy as sp

from eos_theory.proof import Proof


def integral_scale(expr) -> sp.Integer:
    """A positive integer K such that K·expr has a numerator with integer coefficients."""
    num, _ = sp.fraction(sp.cancel(sp.together(sp.sympify(expr))))
    num = sp.expand(num)
    if num == 0:
        return sp.Integer(1)
    syms = sorted(num.free_symbols, key=str)
    if not syms:
        return sp.Integer(sp.Rational(num).q)
    K, _ = sp.Poly(num, *syms, domain="QQ").clear_denoms()
    return sp.Integer(abs(K))


def equal_mod(p: Proof, text: str, lhs, rhs, modulo: tuple) -> None:
    """p.equal(text, lhs, rhs, modulo), with both sides scaled by a positive integer."""
    K = integral_scale(sp.sympify(lhs) - sp.sympify(rhs))
    note = "" if K == 1 else f" (both sides ×{K})"
    p.equal(text + note, K * sp.sympify(lhs), K * sp.sympify(rhs), modulo=modulo)


def root_of(d: sp.Symbol, radicand) -> tuple[dict, sp.Expr]:
    """Name √radicand by the symbol d: the substitution and the relation d² − radicand."""
    return {sp.sqrt(radicand): d}, sp.expand(d**2 - radicand)
