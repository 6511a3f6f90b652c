"""Splitting `watch` arguments into tasks with their options, and choosing them per change."""

from __future__ import annotations

from specmesh_tasks.watch.request import Segment, select, split_request, to_argv, watch_order

NAMES = {"gates", "plan", "plan:S-LOAN-001", "tasks", "test", "build"}


def test_options_stay_with_the_task_before_them() -> None:
    request = split_request(["plan", "--force", "test", "--since", "main", "--shard", "1/2"], NAMES)
    assert request == (Segment("plan", ("--force",)), Segment("test", ("--since", "main", "--shard", "1/2")))
    assert to_argv(request) == ["plan", "--force", "test", "--since", "main", "--shard", "1/2"]


def test_a_sub_task_belongs_to_its_group() -> None:
    assert Segment("plan:S-LOAN-001").group == "plan"


def test_only_the_concerned_groups_run_in_the_requested_order() -> None:
    request = split_request(["gates", "plan", "tasks", "test"], NAMES)
    assert [s.task for s in select(request, {"test", "gates"})] == ["gates", "test"]
    assert [s.task for s in select(request, {"tasks", "gates"})] == ["gates", "tasks"]
    assert select(request, set()) == []


def test_a_users_own_task_always_runs_and_doit_decides() -> None:
    request = split_request(["build", "plan:S-LOAN-001"], NAMES)
    assert [s.task for s in select(request, {"test"})] == ["build"]
    assert [s.task for s in select(request, {"plan"})] == ["build", "plan:S-LOAN-001"]


def test_plan_and_tasks_run_first_and_tests_last() -> None:
    request = split_request(["gates", "test", "build", "tasks", "plan"], NAMES)
    assert [s.task for s in watch_order(request)] == ["plan", "tasks", "gates", "build", "test"]
