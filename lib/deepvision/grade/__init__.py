"""Instructor grading: nbgrader autograde in parallel, under limits, tamper-aware.

``python -m deepvision.grade autograde ch01`` grades every submission of chapter 01 with one
worker per core, a per-cell timeout, a per-submission wall-time limit and a memory limit on each
kernel, writes the scores into nbgrader's gradebook, generates feedback without hidden tests and
exports a grades CSV and a list of submissions that need a human. See autograder/README.md.

Modules: :mod:`~deepvision.grade.cli` (the command), :mod:`~deepvision.grade.submissions`
(finding and preparing notebooks), :mod:`~deepvision.grade.sandbox` (one submission under
limits), :mod:`~deepvision.grade.kernel` (the limited kernel), :mod:`~deepvision.grade.channels`
(the kernel client's channels), :mod:`~deepvision.grade.hooks` (nbgrader preprocessors),
:mod:`~deepvision.grade.gradebook` (the SQLite gradebook), :mod:`~deepvision.grade.report`
(progress, summary, CSV), :mod:`~deepvision.grade.pool` (where submissions are graded and the
record each one sends back), :mod:`~deepvision.grade.cluster` (the same on a Dask cluster,
``--cluster``).
"""
