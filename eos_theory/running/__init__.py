"""Running work: the one executor and the transport of results between processes.

* :mod:`.executor` – run a function over many items in this process, in worker processes or on a
  Dask cluster, each within a time limit, results in order;
* :mod:`.transport` – SymPy objects to bytes and back exactly as they were built.

The bottom layer: imports nothing else of eos_theory.
"""
