"""The paper's symbols, shared by every module, and a LaTeX printer that writes them its way.

Scalar symbols are plain SymPy symbols whose names print as the paper writes them (``ztilde``
prints as ``\\tilde{z}``).  Matrix-level statements (θᵀQθ, JQ⁺Jᵀ) are written with matrix
symbols of symbolic size P, so a claim's formula prints like the paper; :func:`explicit` turns
the same object into explicit matrices of a chosen size for checking.

>>> latex(sp.Eq(zdot, -eta * scalar(J * J.T) * z, evaluate=False))
'\\\\dot{z} = - \\\\eta z J J^{T}'
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import precedence_traditional

eta = sp.Symbol("eta", positive=True)  #: step size / gradient-flow time scale
E = sp.Symbol("E", real=True)  #: regression target
t = sp.Symbol("t", real=True)  #: gradient-flow time
z = sp.Symbol("z", real=True)  #: the model output, used as a state variable
zt = sp.Symbol("ztilde", real=True)  #: z̃ = ηz
Tt = sp.Symbol("Ttilde", nonnegative=True)  #: T̃ = η·JJᵀ, the η-normalised NTK
omega = sp.Symbol("omega", positive=True)  #: |ω| in the symmetric case ω_1 = −ω, ω_2 = ω

# Time derivatives and one-step images, as printed names.
zdot, ztdot = sp.symbols("zdot ztildedot", real=True)
zt_next, Tt_next = sp.symbols("ztildeprime Ttildeprime", real=True)

# Mode-level notation: J̃(ω_i) summed over i = 1..P.
i = sp.Symbol("i", integer=True, positive=True)
w_ = sp.IndexedBase("omega")
Jw = sp.Function("Jtilde")  #: J̃(ω_i), the rescaled Jacobian projected on the i-th eigenvector


def mode_sum(term) -> sp.Sum:
    """Σ_{i=1}^{P} term, with term written in ω_i = ``w_[i]`` and J̃(ω_i) = ``Jw(w_[i])``."""
    return sp.Sum(term, (i, 1, P))


def d_dt(expr) -> sp.Derivative:
    """An unevaluated time derivative, for printing a claim's left-hand side."""
    return sp.Derivative(expr, t)


def explicit_modes(expr, P_value: int, omega, Jt) -> sp.Expr:
    """Expand mode sums for P = ``P_value`` and name the modes by the given symbols."""
    out = sp.sympify(expr).xreplace({P: P_value}).doit()
    subs = {}
    for k in range(P_value):
        subs[Jw(w_[k + 1])] = Jt[k]
        subs[w_[k + 1]] = omega[k]
    return sp.expand(out.xreplace(subs))


# Matrix-level notation, of symbolic size P.
P = sp.Symbol("P", integer=True, positive=True)
Q = sp.MatrixSymbol("Q", P, P)
Qplus = sp.MatrixSymbol("Q^{+}", P, P)
theta = sp.MatrixSymbol("theta", P, 1)
thetadot = sp.MatrixSymbol("thetadot", P, 1)
J = sp.MatrixSymbol("J", 1, P)
Jdot = sp.MatrixSymbol("Jdot", 1, P)
gradL = sp.MatrixSymbol(r"\nabla_{\theta} L", P, 1)
dz_dtheta = sp.MatrixSymbol(r"\frac{\partial z}{\partial \theta}", P, 1)


def scalar(m: sp.MatrixExpr) -> sp.Expr:
    """A 1×1 matrix expression used as a scalar (prints as the product itself)."""
    return sp.Trace(m)


def explicit(expr, values: dict) -> sp.Expr | sp.Matrix:
    """Replace matrix symbols by explicit matrices (``values``) and evaluate.

    A matrix expression stays a matrix (even when P = 1); a scalar one comes back as a scalar.
    """
    expr = sp.sympify(expr)
    concrete = {k: sp.ImmutableMatrix(v) if isinstance(v, sp.MatrixBase) else v for k, v in values.items()}
    out = expr.xreplace(concrete).doit()
    if isinstance(out, sp.MatrixBase):
        out = sp.Matrix(out).applyfunc(sp.expand)
        return out if isinstance(expr, sp.MatrixExpr) or out.shape != (1, 1) else out[0, 0]
    return sp.expand(out)


class Chain(sp.Basic):
    """A chain of equalities a = b = c, as papers write them (printing only)."""


def chain(*members) -> Chain:
    return Chain(*(sp.sympify(m) for m in members))


_WORD_SUBSCRIPT = re.compile(r"_\{([A-Za-z]{2,})\}")


class _Printer(LatexPrinter):
    def _print_Tuple(self, expr):  # several formulas of one claim
        return r",\quad ".join(self._print(a) for a in expr.args)

    def _print_Chain(self, expr):
        return " = ".join(self._print(m) for m in expr.args)

    def _print_MatMul(self, expr):  # ½Qθ as \frac{1}{2} Q θ, not \left(\frac{1}{2}\right) Q θ
        first, rest = expr.args[0], expr.args[1:]
        if first.is_Rational and first.is_positive and first != 1 and rest:
            return self._print(first) + " " + " ".join(self.parenthesize(a, precedence_traditional(expr)) for a in rest)
        return super()._print_MatMul(expr)

    def _print_Trace(self, expr):  # a 1×1 matrix written as a scalar
        return self._print(expr.arg)

    def _print_Symbol(self, expr, style="plain"):
        out = super()._print_Symbol(expr, style)
        if out.startswith(r"\epsilon"):  # ε as the command line and README print it, not ϵ
            out = r"\varepsilon" + out[len(r"\epsilon") :]
        out = _WORD_SUBSCRIPT.sub(r"_{\\mathrm{\1}}", out)  # T̃_mean: a word, set upright
        out = re.sub(r"_\{([A-Za-z]{2,}) (\w+)\}", r"_{\\mathrm{\1},\2}", out)  # offset_slope_3: a word, then an index
        out = out.replace(r"\mathrm{infinity}", r"\infty")  # T̃_∞: the limit, not the word
        out = out.replace(r"_{\mathrm{star}}", "^{*}")  # ε_star: ε*
        out = re.sub(r"\\mathrm\{(min|max|perp)\}", r"\\\1", out)  # S_min: S_{\min}; λ_perp: λ_⊥
        return re.sub(r"^([A-Za-z]{2,})(?![A-Za-z])", r"\\mathrm{\1}", out)  # NTK_GD, offset_slope: words, upright


def latex(expr) -> str:
    """LaTeX for a claim's formula, in the paper's notation."""
    return _Printer().doprint(expr)
