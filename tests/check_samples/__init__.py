"""Right and wrong answers for every question of every registered bank, one module per bank.

``tests/test_checks_contract.py`` runs each answer through the notebook's
``check`` and through the grader's path and asserts that both agree. It reads
``check_samples.<prefix>.SAMPLES`` for every prefix in
:data:`lalib.checks.BANKS`, so a new exercise set registers its samples by
adding one file here, named after its id prefix (``rank.py`` for ``"rank"``),
that defines::

    SAMPLES = {qid: ([right answers], [wrong answers]), ...}

with an entry for every question of the bank. Wrong answers should include a
value of the wrong type, a wrong value, and for a function question a wrong
function. The modules are not test files (no ``test_`` prefix): pytest imports
them only to collect doctests, and they have none.
"""
