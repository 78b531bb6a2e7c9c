"""mltrack dashboard (in progress)."""


def register(subparsers) -> None:
    pass
