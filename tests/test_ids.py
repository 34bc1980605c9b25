"""Run ids sort in the order runs started, even many in one second."""

from datetime import UTC, datetime

from veikart import ids


def test_run_ids_made_in_one_second_sort_in_the_order_they_were_made():
    frozen = datetime(2026, 12, 1, 8, 30, 3, tzinfo=UTC)
    made = [ids.run_id(ids.run_start(frozen)) for _ in range(500)]
    assert sorted(made) == made
    assert len(set(made)) == len(made)


def test_a_clock_that_steps_back_still_gives_later_starts():
    late = ids.run_start(datetime(2030, 1, 1, tzinfo=UTC))
    early = ids.run_start(datetime(2029, 1, 1, tzinfo=UTC))
    assert early > late
