"""How the reports app's verbs print, for people (imported only when a verb runs, as it loads rich
and the models):

- ``dashboard``: the Dashboard renderable of ``mltrack dashboard`` (and its --watch frames);
- ``report``: ``mltrack report -f terminal``, a report laid out with rich.

Two modules rather than one ``output.py``: the dashboard's layout alone is a few hundred lines.
"""
