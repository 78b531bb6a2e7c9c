"""Performance benchmarks of MLTrack at realistic inventory sizes.

Run from the project root with ``python -m benchmarks`` (see docs/benchmarks.md). The operations
measured are listed in :mod:`benchmarks.operations`; adding one is adding an entry to
``OPERATIONS`` there.
"""
