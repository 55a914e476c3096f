"""Words for people: every fact the front ends show is worded here, once.

Plain text, no click and no terminal: the command line, the wizard and any
other front end call these functions and decide only where the text goes.
This package imports only the engine, the channel API and the errors
(anything else it is handed is used by duck typing).

- :mod:`~followup_script.present.plan`: the plan line, the plan sentence, how
  overdue, a contact's status.
- :mod:`~followup_script.present.message`: a script's length, the text report
  of a follow-up, who a delivery goes to and where it went.
- :mod:`~followup_script.present.shell`: a value quoted for a command to paste.
- :mod:`~followup_script.present.files`: writing a result to a file, whole or
  not at all.
"""
