"""(being built)"""


def register() -> None:
    """Registers this part (filled in by its builder)."""
