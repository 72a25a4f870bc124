"""The answer checks of each exercise notebook.

One module per notebook, named ``nb_<notebook name>`` (for example
``nb_01_value_of_relationships``), holding a list ``QUESTIONS`` of
:class:`casekit.checks.Question`. Expected answers are computed from the notebook's
parameters with casekit's own functions, never typed in by hand.
"""
