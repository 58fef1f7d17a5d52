"""xinfang.report.duban: 督办单 for overdue cases, 提示单 for soon-due ones; 文号, deadline in
working days, 反映问题, 督办要求, contact, 回执. Every expected value worked out by hand."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd

from xinfang.blocks import Heading, ListBlock, Paragraph, Signature, Table
from xinfang.config.schema import Bulletin
from xinfang.report.duban import DUBAN, REMINDER, matter_text, sheet_blocks, sheets
from xinfang.workdays import WorkCalendar

D = dt.date


def context(**settings):
    cases = pd.DataFrame({
        "责任单位": ["城南街道", "城南街道", "城南街道", "城北街道"],
        "类别": ["超期未受理", "超期未答复", "即将到期", "即将到期"],
        "信访件编号": ["X-001", "X-002", "X-003", "X-004"],
        "登记日期": [D(2023, 9, 1), D(2023, 7, 3), D(2023, 8, 20), D(2023, 8, 22)],
        "应办日期": [D(2023, 9, 16), D(2023, 9, 20), D(2023, 10, 5), D(2023, 10, 6)],
        "超期天数": [14, 10, 0, 0],
        "问题领域": ["城乡建设", "劳动保障", "涉众金融", "住房保障"],
        "信访目的": ["求决", "申诉", "求决", None]})
    bulletin = Bulletin(duban_code="大信督", contact="刘明远", phone="0739-5221234",
                        holidays=["2023-09-29", "2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06"],
                        workdays=["2023-10-07", "2023-10-08"], **settings)
    cal = WorkCalendar.of(bulletin.holidays, bulletin.workdays)
    # the cut-off is Saturday 2023-09-30; the first working day after it is Saturday 10-07 (调休)
    return SimpleNamespace(cases=cases, settings=bulletin, cutoff=D(2023, 9, 30), calendar=cal,
                           report_date=cal.next_workday(D(2023, 9, 30)), issuer="大祥区信访工作联席会议办公室",
                           year=2023, month=9)


def texts(blocks):
    out = []
    for b in blocks:
        if isinstance(b, (Heading, Paragraph)):
            out.append(b.full_text if isinstance(b, Heading) else "".join(s.text for s in b.spans))
        elif isinstance(b, ListBlock):
            out.extend("".join(s.text for s in item[0].spans) for item in b.items)
        elif isinstance(b, Signature):
            out.extend(b.lines)
    return "\n".join(out)


def test_overdue_cases_make_a_duban_soon_due_ones_a_reminder_numbered_in_register_order():
    ctx = context()
    got = [(s.kind, s.unit, s.number, list(s.cases["信访件编号"]), s.stem) for s in sheets(ctx)]
    assert got == [(DUBAN, "城南街道", "大信督〔2023〕9-01号", ["X-001", "X-002"], "城南街道_督办单"),
                   (REMINDER, "城南街道", "大信督〔2023〕9-02号", ["X-003"], "城南街道_提示单"),
                   (REMINDER, "城北街道", "大信督〔2023〕9-03号", ["X-004"], "城北街道_提示单")]
    assert [s.title for s in sheets(ctx)[:2]] == ["信访事项督办单", "信访事项到期提示单"]


def test_issued_on_the_next_working_day_deadline_five_working_days_later():
    s = sheets(context())[0]
    assert s.issued == D(2023, 10, 7)     # not 10-01 (a holiday): 10-07 is the 调休 Saturday
    assert s.deadline == D(2023, 10, 12)  # 10-08 (worked Sunday), 9, 10, 11, 12
    assert sheets(context(duban_days=1))[0].deadline == D(2023, 10, 8)


def test_a_duban_says_what_is_late_what_to_do_by_when_who_to_call_and_has_a_receipt():
    ctx = context()
    blocks = sheet_blocks(ctx, sheets(ctx)[0])
    text = texts(blocks)
    info = blocks[0]
    assert (info.title, info.number, info.date) == ("信访事项督办单", "大信督〔2023〕9-01号", "2023-10-07")
    assert "城南街道：" in text
    assert "已超过法定办理期限（超期未受理1件、超期未答复1件），现予督办。" in text
    table = next(b for b in blocks if isinstance(b, Table))
    assert [c.text for c in table.head[0]] == ["序号", "信访件编号", "登记日期", "反映问题", "超期环节", "应办日期", "超期天数"]
    assert [c.text for c in table.body[0]] == ["1", "X-001", "2023年9月1日", "城乡建设领域求决类", "未受理", "2023年9月16日", "14"]
    assert [c.text for c in table.body[1]][3:5] == ["劳动保障领域申诉类", "未答复"]
    assert "督办要求" in text
    assert ("请于2023年10月12日前（5个工作日内）办结：超期未受理的，依法作出受理或者不予受理的决定并告知信访人；"
            "超期未答复的，出具处理意见书并答复信访人；确需延期的，依规办理延期手续。") in text
    assert "加盖公章后于2023年10月12日前报送大祥区信访工作联席会议办公室；逾期未办结的，在月度通报中通报并扣分。" in text
    sign = [b for b in blocks if isinstance(b, Signature) and b.align == "right"]
    assert sign[0].lines == ("大祥区信访工作联席会议办公室", "2023年10月7日")
    assert "（经办人：刘明远，联系电话：0739-5221234）" in text
    # 附件说明 before the 落款, the 回执 as the attachment
    order = [i for i, b in enumerate(blocks) if (isinstance(b, Paragraph) and b.role == "annex_list") or b is sign[0]]
    assert len(order) == 2 and "附件：信访事项督办单回执" in text
    annex = next(b for b in blocks if isinstance(b, Heading) and b.label)
    assert (annex.label, annex.text) == ("附件", "信访事项督办单回执")
    receipt = [b for b in blocks if isinstance(b, Table)][-1]
    assert [c.text for c in receipt.head[0]] == ["序号", "信访件编号", "办理结果", "责任人", "完成日期"]
    assert [c.text for c in receipt.body[1]][:2] == ["2", "X-002"]
    assert "请于2023年10月12日前将本回执报送大祥区信访工作联席会议办公室（联系电话：0739-5221234）。" in text


def test_a_reminder_is_not_a_duban_and_gives_each_case_its_due_date():
    ctx = context()
    blocks = sheet_blocks(ctx, sheets(ctx)[2])
    text = texts(blocks)
    assert blocks[0].title == "信访事项到期提示单" and "督办单" not in text
    assert "答复期限即将届满，现予提示" in text
    table = next(b for b in blocks if isinstance(b, Table))
    assert [c.text for c in table.body[0]] == ["1", "X-004", "2023年8月22日", "住房保障领域", "2023年10月6日"]
    assert "于2023年10月12日前（5个工作日内）报送" in text


def test_no_personal_data_reaches_a_sheet():
    ctx = context()
    ctx.cases["信访人"] = "王甲子"  # even if a frame carried it, a sheet prints only its own columns
    for sheet in sheets(ctx):
        assert "王甲子" not in texts(sheet_blocks(ctx, sheet))
        assert "王甲子" not in str([b for b in sheet_blocks(ctx, sheet) if isinstance(b, Table)])


def test_matter_text():
    assert matter_text("教育就学", "建议意见") == "教育就学领域建议意见类"
    assert matter_text(None, None) == "未分类"
