"""Small-cell suppression for what analysts see: pure, no ORM.

Every count an analyst reads belongs to a *partition*: cells that split a total, each
case in exactly one cell (cases by main claim, by platform, by month, by stage, by
child region …). Several partitions may share one total (all of the above split the
cases received in the period). What an analyst can work out from a page is therefore:
each visible number, each partition's equation `total = sum of cells`, and what the
marks say: "<5" is 0–4, "—" (hidden to protect another cell) is 5 or more.

The rule (`protect`):

1. every cell and total under 5 is shown as "<5";
2. in a partition whose total is shown, as soon as one cell is hidden, enough other
   cells are hidden with it ("—", smallest adequate first) that the hidden cells'
   sum, less what the marks give away, leaves every "<5" cell anywhere in 0–4:
   at least one "—" cell, and (sum of "<5" cells) + (sum of each "—" cell − 5) ≥ 4;
3. a partition that cannot be protected that way (too few cases) hides its total, and
   a hidden total hides every cell of every partition that splits it.

Then the equation of each partition says only the sum of its hidden cells, which any
value 0–4 of each "<5" cell fits. Different partitions of the same total are margins
of a table nobody sees, so together they say nothing more about a cell. Subtotals
(`subtotal`) are shown only when they hold all or none of a partition's hidden cells,
and shares only when both of their counts are shown: neither then says anything the
equation did not. Amounts follow their counts: a hidden count hides its amounts.
"""

from dataclasses import dataclass, field
from decimal import Decimal

THRESHOLD = 5
SMALL = "small"  # shown as "<5"
COMPLEMENT = "complement"  # shown as "—"
SMALL_MARK = "<5"
HIDDEN_MARK = "—"


@dataclass(eq=False)
class Cell:
    key: str
    label: str = ""
    n: int = 0
    claimed: Decimal = Decimal(0)
    recovered: Decimal = Decimal(0)
    url: str = ""
    hidden: str = ""

    @property
    def shown(self) -> bool:
        return not self.hidden

    @property
    def mark(self) -> str:
        return {SMALL: SMALL_MARK, COMPLEMENT: HIDDEN_MARK}.get(self.hidden, "")


@dataclass(eq=False)
class Partition:
    name: str  # unique on the page
    total: Cell  # may be shared with other partitions
    cells: list[Cell] = field(default_factory=list)

    def cell(self, key: str) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)


def _slack(hidden: list[Cell]) -> int:
    return sum(c.n if c.hidden == SMALL else c.n - THRESHOLD for c in hidden)


def protected(partition: Partition) -> bool:
    """Rule 2 holds for this partition (or its total is hidden, or nothing is)."""
    if partition.total.hidden:
        return all(c.hidden for c in partition.cells)
    hidden = [c for c in partition.cells if c.hidden]
    if not hidden:
        return True
    return any(c.hidden == COMPLEMENT for c in hidden) and _slack(hidden) >= THRESHOLD - 1


def _protect_one(partition: Partition) -> bool:
    """Hide complements until the partition is protected; False if it cannot be."""
    while not protected(partition):
        hidden = [c for c in partition.cells if c.hidden]
        visible = sorted((c for c in partition.cells if not c.hidden), key=lambda c: c.n)
        if not visible:
            return False
        need = THRESHOLD - 1 - _slack(hidden)
        adequate = [c for c in visible if c.n - THRESHOLD >= need]
        (adequate[0] if adequate else visible[-1]).hidden = COMPLEMENT
    return True


def protect(partitions: list[Partition]) -> None:
    """Apply the rule to every partition on a page, in place."""
    for partition in partitions:
        for cell in [partition.total, *partition.cells]:
            if cell.n < THRESHOLD and not cell.hidden:
                cell.hidden = SMALL
    changed = True
    while changed:
        changed = False
        for partition in partitions:
            if partition.total.hidden:
                for cell in partition.cells:
                    if not cell.hidden:
                        cell.hidden = SMALL if cell.n < THRESHOLD else COMPLEMENT
                        changed = True
            elif not _protect_one(partition):
                partition.total.hidden = COMPLEMENT
                changed = True


def subtotal(partition: Partition, keys, *, suppressed: bool) -> Cell:
    """The sum of some cells, shown only when it holds all or none of the hidden ones."""
    keys = set(keys)
    chosen = [c for c in partition.cells if c.key in keys]
    cell = Cell(
        key="+".join(sorted(keys)),
        n=sum(c.n for c in chosen),
        claimed=sum((c.claimed for c in chosen), Decimal(0)),
        recovered=sum((c.recovered for c in chosen), Decimal(0)),
    )
    if suppressed:
        hidden = {c.key for c in partition.cells if c.hidden}
        if partition.total.hidden or (hidden & keys and not hidden <= keys):
            cell.hidden = COMPLEMENT
        elif cell.n < THRESHOLD:
            cell.hidden = SMALL
    return cell


def share(part: Cell, whole: Cell) -> float | None:
    """part / whole, or None when either is hidden or the whole is empty."""
    if part.hidden or whole.hidden or not whole.n:
        return None
    return part.n / whole.n
