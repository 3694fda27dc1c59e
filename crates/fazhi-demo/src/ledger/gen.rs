//! The generator's tools: names of people and firms, working days, and adding a record.

use super::*;

pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "志", "文", "斌", "辉", "鹏", "晓", "红",
    "云", "峰", "琳", "宇", "浩", "凯", "婷", "欣", "佳", "俊", "晨", "立", "海", "东", "新", "健",
];
const FIRMS: &[&str] = &[
    "恒达", "华信", "瑞丰", "中科", "天成", "金桥", "宏远", "博创", "鑫源", "远航", "卓越", "汇通",
    "嘉禾", "润泽", "永泰", "安信", "聚能", "创新", "光华", "明德",
];
const TRADES: &[&str] = &[
    "精密机械",
    "电子科技",
    "新材料",
    "智能装备",
    "生物医药",
    "软件技术",
    "食品",
    "新型建材",
    "物流",
    "农业开发",
    "环保科技",
    "汽车零部件",
];

impl Gen<'_> {
    pub(super) fn own(&self) -> String {
        self.unit.we.replacen('我', "本", 1)
    }

    pub(super) fn region(&self) -> &str {
        &self.unit.region_name
    }

    /// A person's name not yet used in this unit.
    pub(super) fn person(&mut self) -> String {
        loop {
            let mut n = self.pick(SURNAMES).to_string();
            for _ in 0..self.rng.gen_range(1..=2) {
                n.push_str(self.pick(GIVEN));
            }
            if self.names.insert(n.clone()) {
                return n;
            }
        }
    }

    pub(super) fn enterprise(&mut self) -> String {
        let firm = self.pick(FIRMS);
        let trade = self.pick(TRADES);
        let place: String = self.region().chars().take(2).collect();
        format!("{place}{firm}{trade}有限公司")
    }

    /// One of `items`, drawn.
    pub(super) fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())].clone()
    }

    /// Whether `x` is a working day (Monday to Friday where the calendar has no year).
    pub(super) fn is_workday(&self, x: NaiveDate) -> bool {
        self.cal
            .is_working_day(x)
            .unwrap_or_else(|_| x.weekday().number_from_monday() <= 5)
    }

    /// The first working day from `date` on, going `step` days at a time (1 forward, -1
    /// back); `date` itself when none is within 30 steps.
    pub(super) fn next_workday(&self, date: NaiveDate, step: i64) -> NaiveDate {
        (0..30)
            .map(|i| date + Duration::days(i * step))
            .find(|x| self.is_workday(*x))
            .unwrap_or(date)
    }

    /// A working day on or after `date`.
    pub(super) fn workday(&self, date: NaiveDate) -> NaiveDate {
        self.next_workday(date, 1)
    }

    /// A working day on or before `date`.
    pub(super) fn workday_back(&self, date: NaiveDate) -> NaiveDate {
        self.next_workday(date, -1)
    }

    /// A working day in months `m1..=m2` of the ledger year.
    pub(super) fn day_in(&mut self, m1: u32, m2: u32) -> NaiveDate {
        let m = self.rng.gen_range(m1..=m2);
        let day = self.rng.gen_range(1..=26);
        self.workday(d(self.year, m, day))
    }

    /// `n` working days after `from` (calendar days ×7/5 where the calendar has no year).
    pub(super) fn add_working(&self, from: NaiveDate, n: u32) -> NaiveDate {
        self.cal
            .add_working_days(from, n)
            .unwrap_or_else(|_| from + Duration::days(i64::from(n) * 7 / 5 + 2))
    }

    /// `n` working days before `to`.
    pub(super) fn sub_working(&self, to: NaiveDate, n: u32) -> NaiveDate {
        let mut x = to;
        let mut left = n;
        while left > 0 {
            x -= Duration::days(1);
            if self.is_workday(x) {
                left -= 1;
            }
        }
        x
    }

    pub(super) fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.rng.gen_range(lo..=hi))
    }

    /// A working day of month `m` of year `y`, from day `lo..=hi` on.
    pub(super) fn on(&mut self, y: i32, m: u32, lo: u32, hi: u32) -> NaiveDate {
        let x = d(y, m, self.rng.gen_range(lo..=hi));
        self.workday(x)
    }

    /// A working day `lo..=hi` days after `date` (or the next working day).
    pub(super) fn after(&mut self, date: NaiveDate, lo: i64, hi: i64) -> NaiveDate {
        let x = date + self.days(lo, hi);
        self.workday(x)
    }

    /// A working day `lo..=hi` days before `date` (or the working day before).
    pub(super) fn before(&mut self, date: NaiveDate, lo: i64, hi: i64) -> NaiveDate {
        let x = date - self.days(lo, hi);
        self.workday_back(x)
    }

    /// Adds a record from the text of its fields; the text must parse.
    pub(super) fn push(
        &mut self,
        kind: RecordKind,
        year: i32,
        fields: &[(&str, String)],
    ) -> Result<String, String> {
        let raw: BTreeMap<String, String> = fields
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let parsed = parse_fields(kind, &raw).map_err(|errors| {
            let msgs: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            format!(
                "演示台账（{}，{}）字段无效：{}",
                self.unit.name,
                kind.label(),
                msgs.join("；")
            )
        })?;
        if year == self.year {
            *self.out.expected.per_kind.entry(kind).or_default() += 1;
        }
        let data = RecordData {
            kind,
            year,
            fields: parsed,
            indicators: {
                let mut codes: Vec<String> = Vec::new();
                for c in kind.default_indicators().iter().chain(self.tags.iter()) {
                    if !codes.iter().any(|x| x == c) {
                        codes.push(c.to_string());
                    }
                }
                self.tags.clear();
                codes
            },
        };
        // The title lists and links will show, for the test to find it by.
        let title = data.title();
        self.out.records.push(data);
        Ok(title)
    }

    pub(super) fn has_attachment(&self, kind: RecordKind) -> bool {
        self.out.attachments.iter().any(|a| a.kind == kind)
    }

    pub(super) fn attach(
        &mut self,
        kind: RecordKind,
        year: i32,
        record: &str,
        filename: &str,
        text: String,
    ) {
        // The record just written.
        let index = self.out.records.len() - 1;
        self.out.attachments.push(DemoAttachment {
            kind,
            year,
            record: record.to_string(),
            index,
            filename: filename.to_string(),
            content_type: "text/plain; charset=utf-8",
            bytes: text.into_bytes(),
        });
    }

    /// Tags the next record with these indicators too (what the work also answers).
    pub(super) fn tag(&mut self, codes: &[&'static str]) {
        self.tags.extend_from_slice(codes);
    }

    pub(super) fn plant(&mut self, rule: &'static str, kind: RecordKind, year: i32, record: &str) {
        self.out.planted.push(Planted {
            rule,
            kind,
            year,
            record: record.to_string(),
        });
    }

    pub(super) fn due(&mut self, kind: RecordKind, year: i32, record: &str, due: NaiveDate) {
        if due >= self.today && due <= self.today + Duration::days(30) {
            self.out.due.push(Due {
                kind,
                year,
                record: record.to_string(),
                due,
            });
        }
    }

    /// How many of a kind a unit of this size has: townships fewer, governments more.
    pub(super) fn scaled(&mut self, lo: usize, hi: usize) -> usize {
        let (lo, hi) = match self.unit.level {
            RegionLevel::Township => ((lo * 2 / 3).max(1), (hi * 2 / 3).max(1)),
            _ => (lo, hi),
        };
        self.rng.gen_range(lo..=hi.max(lo))
    }
}
