"""Write the report notebooks in notebooks/ (run once by a developer; the .ipynb are committed).

Notebooks stay thin: a parameters cell, then one call into xinfang per cell.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


def params_cell(unit: str | None) -> nbformat.NotebookNode:
    src = "\n".join([
        "# 参数 / parameters (papermill replaces this cell's values)",
        "year = 2023               # 报告年度",
        'params_dir = "../params"  # 参数目录',
        f"unit = {unit!r}" + ("             # 责任单位；None 为全区报告" if unit is None else "       # 责任单位"),
        "register = None           # 登记表路径；None 用参数中的 data.register",
        "cache_dir = None          # 批量运行时的解析缓存目录",
    ])
    return new_code_cell(src, metadata={"tags": ["parameters", "remove_cell"]})


def report_cells(unit: bool) -> list:
    calls = [
        "report.heading()",
        "report.basic()",
        "report.table_core()",
        "report.chart_channels()",
        "report.chart_monthly()",
        "report.chart_domains()",
        "report.table_campaign()",
        "report.table_visits()",
        "report.budget()",
        "report.table_budget()",
        "report.chart_budget()",
        "report.table_units()",
        "report.chart_volume_units()",
        "report.chart_beijing_units()",
        "report.chart_rates()",
        "report.practices()",
        "report.problems()",
        "report.plans()",
        "report.scoring()",
        "report.table_scoring()",
        "report.calibers()",
        "report.table_calibers()",
        "report.data_notes()",
        "report.table_files()",
    ]
    cells = [new_code_cell("import xinfang.report as xr\n\n"
                           "report = xr.load_report(year, params_dir, unit, register=register, cache_dir=cache_dir)")]
    cells += [new_code_cell(c) for c in calls]
    return cells


def main() -> None:
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name, unit in (("district_report.ipynb", None), ("unit_report.ipynb", "城南街道")):
        nb = new_notebook(metadata=dict(KERNEL))
        title = "区级年度报告" if unit is None else "单位报告"
        nb.cells = [new_markdown_cell(f"<!-- {title}：由 xinfang report / xinfang batch 执行；分析人员也可直接运行。 -->",
                                      metadata={"tags": ["remove_cell"]}),
                    params_cell(unit)] + report_cells(unit is not None)
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i:02d}"
        nbformat.write(nb, out / name)


if __name__ == "__main__":
    main()
