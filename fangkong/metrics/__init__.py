"""One definition per figure.

Every number the platform prints — the 日清日结 board, the 001 sentences, the control dashboard
and the written report — is a named metric here (`catalog.METRICS`: label, unit and 口径, the
definition a user can read), computed by one function. Pages print the metric's label and
explain its 口径; where two figures differ by definition (tasks closed today against today's
pushes verified so far), their labels say how.
"""
