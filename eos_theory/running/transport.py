"""SymPy objects to bytes and back exactly as they were built, for results that cross processes.

Plain pickling rebuilds a SymPy expression by calling its constructor, which evaluates again: an
unevaluated ``Eq(2(x + 2), 2x + 4)`` in a proof step comes back as ``True``, and a factored
product comes back expanded into one flat ``Mul``.  A report built from such copies differs from
the one built in-process.  Here every compound expression is restored from its stored fields
instead (its class, arguments and slots, with the cached hash dropped, since string hashes differ
between interpreters); atoms and singletons pickle as usual.

>>> x = sp.Symbol("x")
>>> step = sp.Eq(sp.Mul(2, x + 2, evaluate=False), 2 * x + 4, evaluate=False)
>>> pickle.loads(pickle.dumps(step))
True
>>> loads(dumps(step))
Eq(2*(x + 2), 2*x + 4)
"""

from __future__ import annotations

import copyreg
import io
import pickle

import sympy as sp
from sympy.core.singleton import Singleton


def dumps(obj) -> bytes:
    """Pickle ``obj``; SymPy expressions inside it come back from :func:`loads` unevaluated, as built."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()


def loads(data: bytes):
    return pickle.loads(data)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, sp.Basic) and obj.args and not isinstance(type(obj), Singleton):
            fields = {name: getattr(obj, name) for name in copyreg._slotnames(type(obj)) if hasattr(obj, name)}
            fields.update(getattr(obj, "__dict__", {}))
            fields["_mhash"] = None
            return _restore, (type(obj), fields)
        return NotImplemented


def _restore(cls, fields: dict):
    """The object of class ``cls`` with these fields, without running its constructor."""
    obj = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(obj, name, value)
    return obj
