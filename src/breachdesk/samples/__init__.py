"""Recover: triage the unprocessed sample backlog, plan the reduced capacity, recall patients.

``stability`` says how long each test stays valid (the model is documented there);
``backlog`` reads and checks the input; ``viability`` applies the model to every sample;
``capacity`` and ``schedule`` plan the recovery runs; ``recall``, ``appointments``, ``messages``
and ``letters`` say who to call back, where, and in what words; ``figures`` and ``summary`` report;
``run`` ties them together for ``breachdesk samples triage`` (``commands``).
"""
