"""Read J.E. Beasley's OR-Library generalised assignment files (gap1 … gap12), no Django.

Each file holds P problems; each problem is, as whitespace-separated integers:

    m n                  agents, jobs
    m × n profits        c[i][j]: profit of giving job j to agent i
    m × n resources      a[i][j]: what job j takes of agent i's capacity
    m capacities         b[i]

The problems are maximisations: every job goes to exactly one agent, an agent's load stays
within its capacity, and the total profit is as large as possible. The allocation core
minimises over needs × machines, so `GapProblem.assignment_inputs` turns a problem round:
needs are the jobs, machines the agents, cost = (largest profit − profit) ≥ 0.

The published optima (OR-Library's "gapinfo" page) are in `KNOWN_OPTIMA` (read from
data/orlib_gap_optima.csv), by problem name:
"c515-1" is type C, 5 agents, 15 jobs, first problem of its file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

OPTIMA_FILE = Path(__file__).parent / "data" / "orlib_gap_optima.csv"


def _read_optima(path: Path) -> dict[str, int]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["problem"]: int(row["optimum"]) for row in csv.DictReader(handle)}


# Optimal total profits published with the files (OR-Library, gapinfo), maximisation,
# in file order (gap1 … gap12, five problems each).
KNOWN_OPTIMA: dict[str, int] = _read_optima(OPTIMA_FILE)

FILE_NAMES: tuple[str, ...] = tuple(f"gap{k}" for k in range(1, 13))


class OrlibFormatError(ValueError):
    """The text is not a well-formed OR-Library generalised assignment file."""


@dataclass(frozen=True, slots=True)
class GapProblem:
    """One generalised assignment problem, as published (agents × jobs, maximise profit)."""

    name: str  # "c515-1"
    profit: tuple[tuple[int, ...], ...]  # [agent][job]
    resource: tuple[tuple[int, ...], ...]  # [agent][job]
    capacity: tuple[int, ...]  # [agent]

    @property
    def agents(self) -> int:
        return len(self.capacity)

    @property
    def jobs(self) -> int:
        return len(self.profit[0]) if self.profit else 0

    @property
    def known_optimum(self) -> int | None:
        return KNOWN_OPTIMA.get(self.name)

    def assignment_inputs(
        self,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """(cost, load, capacity) for `solve_assignment`: rows are jobs, columns agents.

        cost = largest profit − profit, so that minimising the cost of a complete
        assignment maximises its profit: profit = jobs × largest profit − cost.
        """
        profit = np.asarray(self.profit, dtype=np.float64).T
        cost = float(profit.max()) - profit
        load = np.asarray(self.resource, dtype=np.float64).T
        return cost, load, np.asarray(self.capacity, dtype=np.float64)

    def profit_of(self, agent_of_job: Sequence[int]) -> int:
        """Total profit of an assignment (agent index per job; -1 leaves a job out)."""
        self._check_length(agent_of_job)
        return sum(self.profit[i][j] for j, i in enumerate(agent_of_job) if i >= 0)

    def is_feasible(self, agent_of_job: Sequence[int]) -> bool:
        """Every job placed on a valid agent and no agent over its capacity."""
        self._check_length(agent_of_job)
        used = [0] * self.agents
        for j, i in enumerate(agent_of_job):
            if not 0 <= i < self.agents:
                return False
            used[i] += self.resource[i][j]
        return all(u <= c for u, c in zip(used, self.capacity, strict=True))

    def _check_length(self, agent_of_job: Sequence[int]) -> None:
        if len(agent_of_job) != self.jobs:
            raise ValueError(f"{self.name}: {len(agent_of_job)} jobs given, {self.jobs} expected")


@dataclass(frozen=True, slots=True)
class GapFile:
    name: str  # "gap1"
    problems: tuple[GapProblem, ...]


def problem_name(agents: int, jobs: int, number: int) -> str:
    """OR-Library's name of a type C problem: c515-1 = 5 agents, 15 jobs, first of its file."""
    return f"c{agents}{jobs}-{number}"


def _integers(text: str, source: str) -> Iterator[int]:
    for position, token in enumerate(text.split()):
        try:
            yield int(token)
        except ValueError:
            raise OrlibFormatError(
                f"{source}: token {position + 1} is {token!r}, not an integer"
            ) from None


def parse_gap(text: str, name: str = "gap") -> GapFile:
    """Parse the text of one OR-Library GAP file; raise OrlibFormatError when malformed."""
    numbers = list(_integers(text, name))
    cursor = 0

    def take(count: int, what: str) -> list[int]:
        nonlocal cursor
        if count < 0 or cursor + count > len(numbers):
            raise OrlibFormatError(
                f"{name}: the file ends inside {what} ({len(numbers) - cursor} numbers left, "
                f"{count} needed)"
            )
        chunk = numbers[cursor : cursor + count]
        cursor += count
        return chunk

    (count,) = take(1, "the number of problems")
    if count < 1:
        raise OrlibFormatError(f"{name}: {count} problems announced")
    problems = []
    for number in range(1, count + 1):
        agents, jobs = take(2, f"the size of problem {number}")
        if agents < 1 or jobs < 1:
            raise OrlibFormatError(f"{name}: problem {number} has {agents} agents, {jobs} jobs")
        label = problem_name(agents, jobs, number)
        profit = take(agents * jobs, f"the profits of {label}")
        resource = take(agents * jobs, f"the resources of {label}")
        capacity = take(agents, f"the capacities of {label}")
        if any(v < 0 for v in resource) or any(v < 0 for v in capacity):
            raise OrlibFormatError(f"{name}: {label} has a negative resource or capacity")
        problems.append(
            GapProblem(
                name=label,
                profit=tuple(tuple(profit[i * jobs : (i + 1) * jobs]) for i in range(agents)),
                resource=tuple(tuple(resource[i * jobs : (i + 1) * jobs]) for i in range(agents)),
                capacity=tuple(capacity),
            )
        )
    if cursor != len(numbers):
        raise OrlibFormatError(f"{name}: {len(numbers) - cursor} numbers after the last problem")
    return GapFile(name=name, problems=tuple(problems))


def read_gap(path: Path) -> GapFile:
    """Read one file such as bench/data/orlib_gap/gap1.txt."""
    return parse_gap(path.read_text(encoding="ascii"), path.stem)


def read_gap_directory(directory: Path) -> list[GapFile]:
    """gap1 … gap12 from a directory, in that order; a missing file is an error."""
    return [read_gap(directory / f"{file_name}.txt") for file_name in FILE_NAMES]
