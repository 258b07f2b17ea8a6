"""The outcome of an operation applied to a batch: which items were done, which refused and why
("38 done, 2 refused: ..."). Each item is checked by the same `can_*` as when done one by one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BatchResult:
    done: list[Any] = field(default_factory=list)
    refused: list[tuple[Any, str]] = field(default_factory=list)

    def refuse(self, item: Any, reason: str) -> None:
        self.refused.append((item, str(reason)))

    @property
    def total(self) -> int:
        return len(self.done) + len(self.refused)
