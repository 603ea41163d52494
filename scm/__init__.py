"""The operator's commands of the Secure Communities monitoring warehouse (``python3 scripts/scm.py COMMAND``).

One module per concern: ``paths`` (where things are), ``dbt`` (the one way dbt is invoked), ``checks`` (what is
rejected before a build starts), ``failures`` (a failed run's checks, in words), ``publish`` (the atomic release
for readers), ``record`` (the append-only record of what was published and sent), ``review_list`` (the printed
list) and ``cli`` (the commands).
"""
