"""The AWS Well-Architected Tool, both ways: push a review's assessments as a workload's answers and milestone
(``wafr wa-tool push``), pull a workload's answers into a questionnaire answers file (``wafr wa-tool pull``).

These commands write on the user's behalf, so they use a session of their own (wafr.watool.session) whose guard
allows only the ``wellarchitected`` operations declared there; the scan's sessions never gain them.
"""
