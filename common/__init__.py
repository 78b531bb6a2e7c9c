"""What every MLTrack app shares and none of them owns: who acts (actors), the four roles, console
paging, model-page panels, form helpers and the command-line kit (cli).

Nothing here imports a domain app; the apps import it (inventory, reviews, compliance, reports)."""

# MLTrack's version: the one place it is written (pyproject.toml reads it from here).
__version__ = "0.1.0"
