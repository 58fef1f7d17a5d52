"""The 通报's 问题领域, 到市集访 and 治重化积 parts: shares from the count beside them, groups by
unit, the campaign as of the cut-off, and nothing where the campaign table is not given."""
from __future__ import annotations

import pandas as pd
import yaml
from conftest import ROOT, copy_params

from xinfang.report.bulletin import load_bulletin_context
from xinfang.report.sections.bulletin_topics import (campaign_progress, campaign_units, domains, group_visits,
                                                     open_matters, top_domains)


def text(parts) -> str:
    return "\n".join(p.markdown for p in parts)


def test_top_domains_takes_three_places_and_a_tie_whole_unless_it_makes_too_many():
    counts = pd.Series({"甲": 9, "乙": 5, "丙": 3, "丁": 3, "戊": 1})
    assert list(top_domains(counts).index) == ["甲", "乙", "丙", "丁"]
    assert list(top_domains(pd.Series({"甲": 9, "乙": 2, "丙": 2, "丁": 2, "戊": 2, "己": 2})).index) == ["甲"]
    assert list(top_domains(pd.Series({"甲": 4, "乙": 0})).index) == ["甲"]


def test_may_2023_domains_and_group_visits_on_the_sample():
    ctx = load_bulletin_context(2023, 5, ROOT / "params")
    # 176件次 in May (表1); 45 ÷ 176 = 25.568…％, 26 ÷ 176 = 14.772…％, 19 ÷ 176 = 10.795…％
    assert ctx.volumes["本月"]["件次"] == 176
    assert text(domains(ctx)) == ("从反映的问题看，本月登记的176件次中，件次较多的问题领域是城乡建设45件次（占25.57％）、"
                                  "涉众金融26件次（占14.77％）、住房保障19件次（占10.80％）。")
    said = text(group_visits(ctx))
    assert said.startswith("本月全区到市集访16批次284人次，其中中心路街道2批次32人次、城西街道3批次48人次、")
    assert ctx.results["visits.city_group_batches"].value == 16
    assert ctx.results["visits.city_group_persons"].value == 284


def test_the_campaign_counts_what_was_resolved_by_the_cut_off():
    table = pd.read_csv(ROOT / "seeds" / "治重化积交办件.csv", encoding="utf-8-sig")
    b12 = table[table["交办批次"].isin([1, 2])]
    resolved = int(((b12["审核化解"] == "是") & (pd.to_datetime(b12["化解日期"]) <= "2023-05-31")).sum())
    assert (len(b12), resolved) == (126, 53)
    ctx = load_bulletin_context(2023, 5, ROOT / "params")
    open_units = open_matters(ctx)
    assert text(campaign_progress(ctx)) == (
        "截至2023年5月31日，“治重化积”专项工作第一、二批交办126件，已汇报126件（100％），已审核化解53件（42.06％），"
        f"尚未化解73件；第三批交办15件，已汇报15件（100％），已审核化解0件（0％），尚未化解15件。"
        f"尚有未化解事项的{len(open_units)}个单位见{{附件:治重化积各单位}}。")
    assert int(open_units["未化解"].sum()) == 73 + 15
    assert list(open_units["未化解"]) == sorted(open_units["未化解"], reverse=True)
    december = load_bulletin_context(2023, 12, ROOT / "params")
    assert "第一、二批交办126件，已汇报126件（100％），已全部审核化解；" in text(campaign_progress(december))
    assert campaign_units(december) == []


def test_without_the_campaign_table_there_is_no_campaign_part(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "output")
    doc = yaml.safe_load((params / "defaults.yaml").read_text(encoding="utf-8"))
    doc["data"]["campaign"] = None
    (params / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ctx = load_bulletin_context(2023, 5, params)
    assert campaign_progress(ctx) == [] and campaign_units(ctx) == []
