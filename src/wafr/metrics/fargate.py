"""Fargate's valid task sizes, and the cheapest one that holds a given demand."""

from __future__ import annotations

from typing import Callable

# CPU units -> the memory (MiB) Fargate accepts with it (Amazon ECS developer guide, "Task CPU and memory").
TASK_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
VALID_SIZES = tuple((cpu, memory) for cpu, memories in TASK_SIZES.items() for memory in memories)


def smallest_fit(cpu_units: float, memory_mib: float,
                 cost: Callable[[int, int], float] | None = None) -> tuple[int, int] | None:
    """The cheapest valid (cpu, memory) with at least this much of each (by ``cost``, else by size)."""
    fitting = [size for size in VALID_SIZES if size[0] >= cpu_units and size[1] >= memory_mib]
    if not fitting:
        return None
    return min(fitting, key=lambda size: (cost(*size) if cost else 0.0, size))
