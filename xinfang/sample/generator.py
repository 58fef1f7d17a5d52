"""The generator of the sample register: registrations block by block, the answers and the
synthetic personal data (which the reader drops)."""
from __future__ import annotations

import bisect
import datetime as dt

import numpy as np

from .calibration import (_Block, _DEPT_DOMAINS, _DOMAINS, _DOMAIN_W, _DOMAIN_W_RURAL, _KINDS, _KindPlan, _MONTH_BASE, _MONTH_OF, _NATIONAL, _OTHER_PURPOSES, _OTHER_PURPOSE_P, _REPLY_LIMIT, _RURAL, _UNIT_NAMES, _UNIT_P)

#: Seed of the only random generator used; change it and every figure must be re-verified.
class _Generator:
    """Builds the rows block by block; all randomness comes from one generator."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.matters: list[dict] = []
        self.rows: list[dict] = []
        self.campaign: list[tuple[int, int]] = []  # (batch, matter index)
        self.pending_units: dict[str, list[str]] = {}  # fixed units of a kind's 重件

    # ---- small helpers --------------------------------------------------------------------
    def _dates(self, lo: int, hi: int, n: int, profile: tuple[float, ...]) -> np.ndarray:
        days = np.arange(lo, hi + 1)
        w = np.asarray(profile)[_MONTH_OF[days - _MONTH_BASE] - 1]
        return self.rng.choice(days, size=n, p=w / w.sum())

    def _pick(self, options: tuple, weights: tuple[float, ...] | np.ndarray | None = None):
        """One of ``options`` (weighted); much faster than ``rng.choice`` for single draws."""
        if weights is None:
            return options[int(self.rng.integers(0, len(options)))]
        cum = np.cumsum(weights, dtype=float)
        return options[min(bisect.bisect_right(cum.tolist(), self.rng.random() * cum[-1]),
                           len(options) - 1)]

    def _int(self, lo: int, hi: int) -> int:
        """Uniform integer in [lo, hi]."""
        return int(self.rng.integers(lo, hi + 1))

    def _decision_delay(self, room: int) -> int:
        """Days from registration to the acceptance decision: mostly a few, at most 15."""
        return min(int(self.rng.geometric(0.22)) - 1, 15, room)

    def _domain(self, unit: str, kind: str, reg: int, block: _Block) -> str:
        if unit in _DEPT_DOMAINS:
            names, p = _DEPT_DOMAINS[unit]
            return self._pick(names, p)
        surge = (block.name == "2023" and kind == "NO" and reg >= dt.date(2023, 5, 1).toordinal())
        if surge and self.rng.random() < 0.35:  # training-school and online-finance groups
            return self._pick(("教育就学", "涉众金融"))
        w = _DOMAIN_W_RURAL if unit in _RURAL else _DOMAIN_W
        return self._pick(_DOMAINS, w)

    def _persons(self, kind: str) -> int:
        if kind == "CG":
            return 5 + int(self.rng.geometric(1 / 10)) - 1
        if kind == "CI":
            return self._pick((1, 2, 3, 4), (0.7, 0.2, 0.07, 0.03))
        if kind in ("SV", "DV"):
            return self._pick((1, 2, 3, 6), (0.72, 0.18, 0.07, 0.03))
        if kind in ("SL", "DL"):
            return self._pick((1, 2, 3), (0.94, 0.04, 0.02))
        return 1

    # ---- one block --------------------------------------------------------------------------
    def block(self, b: _Block) -> None:
        first_matter = len(self.matters)
        for kind, plan in b.plans.items():
            self._initial(b, kind, plan)
        own = range(first_matter, len(self.matters))
        older = range(0, first_matter)
        for kind, plan in b.plans.items():
            self._repeats(b, kind, plan, own, older)
        for kind, persons in b.city_persons.items():
            idx = [i for i, r in enumerate(self.rows) if r["block"] == b.name and r["kind"] == kind]
            assert len(idx) == len(persons), (kind, len(idx), len(persons))
            for i, p in zip(idx, self.rng.permutation(np.array(persons))):
                self.rows[i]["persons"] = int(p)

    def _initial(self, b: _Block, kind: str, plan: _KindPlan) -> None:
        start = (b.national_start if kind in _NATIONAL else b.start).toordinal()
        end = b.end.toordinal()
        windows = {"ok": (start, end - 11), "unres": (start, end - 75), "na": (start, end),
                   "late": (end - 70, end - 16), "und": (end - 14, end)}
        units = list(b.nv_units) if kind == "NV" and b.nv_units else []
        if units:  # the first ones go to 初件, the rest to 重件 (see _repeats)
            units = [units[i] for i in self.rng.permutation(len(units))]
            n_initial = sum(n for n, _ in plan.initial.values())
            self.pending_units[kind] = units[n_initial:]
            units = units[:n_initial]
        for outcome, (n, q) in plan.initial.items():
            lo, hi = windows[outcome]
            dates = self._dates(lo, hi, n, b.profiles.get(kind, b.profile))
            purposes = ["求决"] * q + list(self.rng.choice(_OTHER_PURPOSES, size=n - q,
                                                          p=_OTHER_PURPOSE_P))
            purposes = [str(purposes[i]) for i in self.rng.permutation(n)]
            for reg, purpose in zip((int(d) for d in dates), purposes):
                unit = units.pop(0) if units else self._pick(_UNIT_NAMES, _UNIT_P)
                m = {"kind": kind, "unit": unit, "purpose": purpose, "reg": reg,
                     "outcome": outcome, "block": b.name, "reply": None, "levels": set()}
                m["domain"] = self._domain(unit, kind, reg, b)
                self.matters.append(m)
                row = self._row(b, kind, len(self.matters) - 1, reg, first=True)
                self._decide(row, m, b)
                self.rows.append(row)

    def _row(self, b: _Block, kind: str, matter: int, reg: int, first: bool) -> dict:
        level, channel = _KINDS[kind]
        self.matters[matter]["levels"].add(level)
        return {"block": b.name, "kind": kind, "matter": matter, "reg": reg, "level": level,
                "channel": channel, "persons": self._persons(kind), "first": first,
                "decision": None, "acc": None, "ext": None, "reply": None, "eval": None}

    def _decide(self, row: dict, m: dict, b: _Block) -> None:
        """Decision, extension and reply of an 初件 according to its outcome."""
        end = b.end.toordinal()
        reg, outcome = row["reg"], m["outcome"]
        if outcome == "und":
            return
        if outcome == "na":
            row["decision"] = "不予受理"
            row["acc"] = reg + self._decision_delay(end - reg)
            return
        row["decision"] = "受理"
        ext = 0
        if self.rng.random() < 0.1:
            ext = self._pick((5, 10, 15, 20, 30))
        row["ext"] = ext
        if outcome == "late":  # decided late in the block: not due by its end
            acc = max(reg + self._decision_delay(15), end - 59)
            row["acc"] = acc
            if self.rng.random() < b.replies_after_end:
                hi = min(acc + 60 + ext, _REPLY_LIMIT.toordinal())
                row["reply"] = self._int(end + 1, hi)
            m["reply"] = row["reply"]
            return
        acc = reg + self._decision_delay(end - reg)
        row["acc"] = acc
        last = end - 5 if outcome == "unres" else end  # room for a registration after the reply
        room = min(60 + ext, last - acc)
        if ext and last - acc > 60 and self.rng.random() < 0.7:
            off = self._int(61, room)  # the extension is what keeps it on time
        else:
            off = self._int(min(4, room), min(room, 58))
        row["reply"] = acc + off
        m["reply"] = acc + off

    def _repeats(self, b: _Block, kind: str, plan: _KindPlan, own: range, older: range) -> None:
        end = b.end.toordinal()
        same = [i for i in own if self.matters[i]["kind"] == kind]
        fixed_units = self.pending_units.pop(kind, [])
        assert not fixed_units or len(fixed_units) == plan.repeats.get("A", 0) == sum(
            plan.repeats.values()), "fixed units only for repeats of older matters"
        hosts_unres = [i for i in same if self.matters[i]["outcome"] == "unres"]
        hosts_b = [i for i in same if self.matters[i]["outcome"] == "ok"
                   and self.matters[i]["reply"] - self.matters[i]["reg"] >= 4]
        hosts_c = [i for i in same if self.matters[i]["outcome"] in ("na", "late", "und")
                   and self.matters[i]["reg"] < end]
        campaign = {i for _, i in self.campaign}
        hosts_a = [i for i in older if i not in campaign]
        profile = b.profiles.get(kind, b.profile)
        slots: list[tuple[int, int]] = []  # (matter, date)
        # D: each unresolved matter at least once after its reply, the rest at random
        n_d = plan.repeats.get("D", 0)
        assert n_d >= len(hosts_unres), (b.name, kind)
        for k in range(n_d):
            h = hosts_unres[k] if k < len(hosts_unres) else self._pick(hosts_unres)
            slots.append((h, self._int(self.matters[h]["reply"] + 1, end)))
        # B: while the matter is in handling, strictly between 初件 and reply
        if plan.repeats.get("B", 0):
            chosen = self.rng.choice(hosts_b, size=min(len(hosts_b), max(1, plan.repeats["B"] // 2)),
                                     replace=False)
            for _ in range(plan.repeats["B"]):
                h = int(self._pick(chosen))
                m = self.matters[h]
                slots.append((h, self._int(m["reg"] + 1, m["reply"] - 1)))
        # C: matters without a reply (不予受理, late, undecided)
        for _ in range(plan.repeats.get("C", 0)):
            h = self._pick(hosts_c)
            slots.append((h, self._int(self.matters[h]["reg"] + 1, end)))
        # A: matters begun in an earlier block, preferably of the same kind (and unit, if fixed)
        n_a = plan.repeats.get("A", 0)
        if n_a:
            a_dates = self._dates(b.repeat_start.toordinal(), end, n_a, profile)
            same_kind = [i for i in hosts_a if self.matters[i]["kind"] == kind]
            favourites = list(self.rng.choice(same_kind, size=max(1, len(same_kind) // 2),
                                              replace=False)) if same_kind else []
            for k in range(n_a):
                if fixed_units:
                    unit = fixed_units[k]
                    pool = [i for i in hosts_a if self.matters[i]["unit"] == unit]
                    pool = [i for i in pool if self.matters[i]["kind"] in _NATIONAL] or pool
                else:
                    pool = favourites or hosts_a
                slots.append((int(self._pick(pool)), int(a_dates[k])))
        for h, date in slots:
            row = self._row(b, kind, h, date, first=False)
            row["decision"] = "不再受理"
            row["acc"] = date + self._decision_delay(end - date)
            self.rows.append(row)

    # ---- campaign, evaluations --------------------------------------------------------------
    def choose_campaign(self) -> None:
        """治重化积: 126 + 15 older matters that reached the national bureau; none recurs."""
        cands = [i for i, m in enumerate(self.matters) if "国家" in m["levels"]
                 and m["kind"] in ("NO", "NL")]
        order = self.rng.permutation(len(cands))
        picked = [cands[i] for i in order[:141]]
        picked.sort(key=lambda i: self.matters[i]["reg"])
        self.campaign = [(1 if k < 60 else 2 if k < 126 else 3, i) for k, i in enumerate(picked)]

    def evaluate(self, start: dt.date, end: dt.date) -> None:
        """评价结果: calibrated over P (6 未评价, 5 不满意), free elsewhere."""
        s, e = start.toordinal(), end.toordinal()
        in_p = [r for r in self.rows if r["reply"] is not None and s <= r["reg"] <= e
                and r["reply"] <= e]
        other = [r for r in self.rows if r["reply"] is not None and not (
            s <= r["reg"] <= e and r["reply"] <= e)]
        values = [None] * 6 + ["不满意"] * 5
        values += [str(v) for v in self.rng.choice(("满意", "基本满意"), size=len(in_p) - 11,
                                                   p=(0.82, 0.18))]
        for r, k in zip(in_p, self.rng.permutation(len(in_p))):
            r["eval"] = values[k]
        for r in other:
            r["eval"] = self._pick(("满意", "基本满意", "不满意", None), (0.8, 0.17, 0.015, 0.015))


# --------------------------------------------------------------------------------------------
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
             "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾")
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_STREETS = ("示例路", "样本街", "虚拟巷", "演示大道")


def _id_check_digit(body: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def _pii(n: int, rng: np.random.Generator) -> dict[str, list[str]]:
    """Fake, unique personal data for ``n`` rows (obviously fake, realistic in shape)."""
    names = [s + a + z for s in _SURNAMES for a in _STEMS for z in _BRANCHES]
    assert n <= len(names) and n <= 18250
    names = [names[i] for i in rng.permutation(len(names))[:n]]
    ids, phones, addresses = [], [], []
    base = dt.date(1950, 1, 1).toordinal()
    for i in range(n):
        birth = dt.date.fromordinal(base + (i * 37) % 18250)  # unique per row
        body = f"430599{birth:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
        ids.append(body + _id_check_digit(body))
        phones.append(f"19900{i:06d}")
        addresses.append(f"湖南省邵阳市大祥区{_STREETS[i % 4]}{i // 4 + 1}号")
    return {"信访人": names, "证件号码": ids, "联系电话": phones, "住址": addresses}


def _iso(ordinal: int | None) -> str | None:
    return None if ordinal is None else dt.date.fromordinal(int(ordinal)).isoformat()
