"""Exam packages: examiner-ready bundles that prove themselves complete and unaltered, offline.

A package is built from one snapshot (content), laid out per framework (frameworks, sections, pdf),
zipped with a signed manifest (bundle) and checked by a standalone verifier (verifier) that also
travels inside every package. See docs/exam-packages.md."""
