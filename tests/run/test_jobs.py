"""xinfang.run.jobs: post-steps by name, the workspace every planner opens."""
from __future__ import annotations

import inspect

import pytest
from conftest import ROOT

from xinfang.run.jobs import POST_STEPS, Workspace, post_step


def test_every_post_step_resolves_to_a_function_of_the_job_parameters():
    assert POST_STEPS == {"duban": "xinfang.run.bulletins:finish_bulletin",
                          "case_lists": "xinfang.report.caselists:write_case_book"}
    for name in POST_STEPS:
        step = post_step(name)
        assert list(inspect.signature(step).parameters)[0] == "parameters", name


def test_an_unknown_post_step_is_an_error_not_a_silent_skip():
    with pytest.raises(KeyError):
        post_step("dubna")


def test_the_workspace_of_the_sample_year(tmp_path):
    ws = Workspace.open(ROOT / "params", 2023)
    assert ws.year == 2023 and ws.cache_dir == ws.out_root / ".cache"
    assert ws.year_dir == ws.out_root / "2023"
    assert len(ws.inputs.register) == 4265  # the sample register's registrations, all of them read
    assert ws.unit_params(None) is ws.params
    assert ws.unit_params("城南街道").unit == "城南街道"


def test_month_jobs_name_their_post_step_and_kind():
    from xinfang.run.bulletins import plan_months

    jobs, _skipped, _ctx = plan_months(2023, ROOT / "params", months=[12])
    (job,) = jobs
    assert (job.kind, job.post) == ("bulletin", "duban")
    assert job.post_args["duban_dir"].endswith("bulletins/督办单/2023-12")
