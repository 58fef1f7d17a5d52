"""Write the notebooks in notebooks/ from this one source (``make notebooks``; the .ipynb are committed,
and tests/test_notebooks.py fails when they differ from what this writes).

Notebooks stay thin: a parameters cell, then one call into xinfang per cell.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
#: The kernel `make venv` registers inside the venv (``ipykernel install --sys-prefix --name xinfang``).
#: xinfang's own runner ignores the name and always runs its own interpreter (xinfang.run.kernels).
KERNEL = {"kernelspec": {"display_name": "Python (xinfang)", "language": "python", "name": "xinfang"},
          "language_info": {"name": "python"}}


def params_cell() -> nbformat.NotebookNode:
    src = "\n".join([
        "# 参数 / parameters (papermill replaces this cell's values)",
        "year = 2023               # 报告年度",
        "params_dir = None         # 参数目录；None 则依次找 XINFANG_PARAMS、当前目录及上级的 params/",
        "unit = None               # 责任单位；None 为全区报告",
        "register = None           # 登记表路径；None 用参数中的 data.register",
        "cache_dir = None          # 批量运行时的解析缓存目录",
        "form = None               # 报告形式（自评报告、评价报告）；None 用参数中的 form",
    ])
    return new_code_cell(src, metadata={"tags": ["parameters", "remove_cell"]})


def report() -> nbformat.NotebookNode:
    """The one report notebook: the district's (unit = None) or a unit's; its form says what it shows."""
    nb = new_notebook(metadata=dict(KERNEL))
    nb.cells = [
        new_markdown_cell("<!-- 报告：由 xinfang report / xinfang batch 执行；分析人员也可直接运行。"
                          "各节的内容与顺序见 xinfang/report/forms.yaml。 -->", metadata={"tags": ["remove_cell"]}),
        params_cell(),
        new_code_cell("import xinfang.report as xr\n\n"
                      "report = xr.load_report(year, params_dir, unit, register=register, cache_dir=cache_dir, form=form)"),
        new_code_cell("report.show()"),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def bulletin() -> nbformat.NotebookNode:
    """The monthly 通报 (form 月度通报): run by xinfang bulletin / xinfang batch --by month."""
    nb = new_notebook(metadata=dict(KERNEL))
    params = "\n".join([
        "# 参数 / parameters (papermill replaces this cell's values)",
        "year = 2023               # 报告年度",
        "month = 11                # 月份（1–12）",
        "cutoff = None             # 截止日（YYYY-MM-DD）；None 为月末（参数 bulletin.cutoff_days）",
        "params_dir = None         # 参数目录；None 则依次找 XINFANG_PARAMS、当前目录及上级的 params/",
        "register = None           # 登记表路径；None 用参数中的 data.register",
        "cache_dir = None          # 批量运行时的解析缓存目录",
    ])
    nb.cells = [
        new_markdown_cell("<!-- 月度通报：由 xinfang bulletin / xinfang batch --by month 执行；各节见 "
                          "xinfang/report/forms.yaml 的「月度通报」。 -->", metadata={"tags": ["remove_cell"]}),
        new_code_cell(params, metadata={"tags": ["parameters", "remove_cell"]}),
        new_code_cell("from xinfang.report.bulletin import load_bulletin\n\n"
                      "bulletin = load_bulletin(year, month, params_dir, cutoff=cutoff, register=register, "
                      "cache_dir=cache_dir)"),
        new_code_cell("bulletin.show()"),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


EXPLORE = [
    ("md", "# 信访数据探索 / exploring a register\n\n"
           "这是 xinfang 的分析入门：读取并校验登记表，计算指标，查看口径，画图，比较两个单位。"
           "所有计算都在 `xinfang` 库中，本笔记本只调用它。"),
    ("code", "# 参数 / parameters\n"
             "year = None        # 年度；None 为登记表中最后一个登记日期所在的年度\n"
             "params_dir = None  # None：依次找 XINFANG_PARAMS、当前目录及上级的 params/、笔记本所在目录及上级\n"
             "unit_a = None      # 比较的单位（名称或别名）；None 为统计期内有数据的第一个单位\n"
             "unit_b = None      # None 为有数据的下一个单位",
     ["parameters"]),
    ("md", "## 1. 读取与校验\n\n`load_params` 合并参数层（defaults → 年度 → 单位），`load_inputs` 读取并校验全部输入；"
           "个人信息列在读取时即被剔除。校验不通过会列出每一处错误（文件、Excel 行号、列、值、规则）。"),
    ("code", "import pandas as pd\nimport xinfang\nfrom xinfang import charts, narrative\n"
             "from xinfang.explore import describe, latest_year, pick_units\n"
             "from xinfang.locate import params_dir_or_find\n\n"
             "folder = params_dir_or_find(params_dir)\nyear = year or latest_year(folder)\n"
             "params = xinfang.load_params(folder, year)\ninputs = xinfang.load_inputs(params)\n"
             "register = inputs.register\nprint(describe(folder, inputs))\nregister.dtypes"),
    ("code", "# 个人信息（信访人、证件号码、联系电话、住址）不在数据框中\nsorted(register.columns)"),
    ("md", "## 2. 指标目录\n\n每个指标都带有分子、分母、上年同期、同比和口径说明。"),
    ("code", "results = xinfang.compute_catalogue(register, inputs.period, campaign=inputs.campaign, beijing=inputs.beijing)\n"
             "results[\"national.volume\"]"),
    ("code", "from xinfang.report import indicator_frame\nindicator_frame(results).head(15)"),
    ("code", "narrative.phrase(results[\"national.volume\"]), narrative.ratio_percent(45, 14)"),
    ("md", "## 3. 图表\n\n图表使用随包提供的中文字体（Noto Sans CJK SC），在没有中文系统字体的机器上也能正确显示。"),
    ("code", "from xinfang.indicators import channel_volumes, monthly_counts\n"
             "current, previous = channel_volumes(results)\ncharts.channel_comparison(current, previous)"),
    ("code", "charts.monthly_trend(monthly_counts(register, inputs.period), monthly_counts(register, inputs.period.previous()))"),
    ("md", "## 4. 比较两个单位\n\n同一口径按单位计算；后续登记不论记在哪个单位，都计入原事项的一次性化解判断。"
           "单位取自单位名册：参数中未指定时，取统计期内有数据的前两个单位。"),
    ("code", "unit_a, unit_b = pick_units(inputs, unit_a, unit_b)\n"
             "district, per_unit = xinfang.compute_all(register, inputs.period, inputs.units.names,\n"
             "                                         campaign=inputs.campaign, beijing=inputs.beijing)\n"
             "keys = [\"total.registrations\", \"national.volume\", \"beijing.registered\", \"resolution.demand_first\"]\n"
             "pd.DataFrame({u: {k: per_unit[u][k].value for k in keys} for u in (unit_a, unit_b)})"),
    ("code", "xinfang.rank_units(per_unit, \"beijing.registered\").head(8)"),
    ("md", "## 5. 月度视图\n\n按月切分统计期（1月自统计期首日起，12月至统计期末日止），各月相加等于全年。"
           "热力图为各单位各月登记件次；考核得分按月度考核办法（params/assessment/）逐月计算，名次并列按同分处理。"),
    ("code", "from xinfang import monthly\nfrom xinfang.scoring.assessment import load_assessment\n\n"
             "matrix = monthly.month_unit_matrix(register, inputs.period, inputs.units.names)\n"
             "charts.month_unit_heatmap(matrix)"),
    ("code", "rules = load_assessment(xinfang.params.resolve(params, params.bulletin.assessment))\n"
             "scores = monthly.assessment_by_month(register, inputs.period, inputs.units.names, rules, beijing=inputs.beijing)\n"
             "scores.rank(method=\"min\", ascending=False).astype(int).assign(平均得分=scores.mean(axis=1).round(2))"
             ".sort_values(\"平均得分\", ascending=False)"),
]


def explore() -> nbformat.NotebookNode:
    nb = new_notebook(metadata=dict(KERNEL))
    for item in EXPLORE:
        if item[0] == "md":
            nb.cells.append(new_markdown_cell(item[1]))
        else:
            cell = new_code_cell(item[1])
            if len(item) > 2:
                cell.metadata["tags"] = item[2]
            nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


NOTEBOOKS = {"report.ipynb": report, "bulletin.ipynb": bulletin, "explore.ipynb": lambda: explore()}


def render(name: str) -> str:
    """The text of notebook ``name`` as this tool writes it (the committed file must equal it)."""
    return nbformat.writes(NOTEBOOKS[name]()) + "\n"


def main() -> None:
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name in NOTEBOOKS:
        (out / name).write_text(render(name), encoding="utf-8")


if __name__ == "__main__":
    main()
