class ImportRejected(Exception):
    """A members CSV that cannot be imported. `errors` lists (line number or None, reason);
    nothing was written."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        self.errors = errors
        super().__init__("; ".join(f"line {line}: {reason}" if line else reason for line, reason in errors))
