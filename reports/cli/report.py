"""mltrack report (in progress)."""


def register(subparsers) -> None:
    pass
