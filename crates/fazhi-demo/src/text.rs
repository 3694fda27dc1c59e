//! The report generator: one 法治政府建设年度报告 as plain text for a unit and a year, with
//! figures, order and wording varied by a random stream, and sometimes a planted defect
//! so that the checker has something to say.

use crate::names::UnitSpec;
use crate::phrases::{self, AreaWords, Topic};
use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A shortcoming planted in a report, each the cause of a checker finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    None,
    /// A mandated part left out (其他需要报告的情况, or 第一责任人) → `part-missing`.
    PartMissing,
    /// Problems listed without causes → `causes-missing`.
    CausesMissing,
    /// No date under the signature → `date-missing`.
    DateMissing,
    /// Signed by another unit (a copied report) or a misspelt name → `signature-unit-mismatch`.
    SignatureMismatch,
    /// The measures without any figure, date or named activity → `facts-scarce`.
    FactsScarce,
}

impl Defect {
    pub const PLANTED: [Defect; 5] = [
        Defect::PartMissing,
        Defect::CausesMissing,
        Defect::DateMissing,
        Defect::SignatureMismatch,
        Defect::FactsScarce,
    ];

    /// The rule the defect is planted for.
    pub fn rule(self) -> Option<&'static str> {
        match self {
            Defect::None => None,
            Defect::PartMissing => Some("part-missing"),
            Defect::CausesMissing => Some("causes-missing"),
            Defect::DateMissing => Some("date-missing"),
            Defect::SignatureMismatch => Some("signature-unit-mismatch"),
            Defect::FactsScarce => Some("facts-scarce"),
        }
    }

    /// Draws a defect: about two reports in five get one.
    pub fn draw(rng: &mut ChaCha8Rng) -> Defect {
        match rng.gen_range(0..100) {
            0..=7 => Defect::PartMissing,
            8..=17 => Defect::CausesMissing,
            18..=25 => Defect::DateMissing,
            26..=30 => Defect::SignatureMismatch,
            31..=38 => Defect::FactsScarce,
            _ => Defect::None,
        }
    }
}

/// A generated report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub text: String,
    /// The date under the signature (`None` when planted missing).
    pub signed: Option<NaiveDate>,
    /// The problems stated under 存在的不足, each with the plan that answers it (the next
    /// year's rectification records take them up).
    pub shortcomings: Vec<(String, String)>,
}

/// What the placeholders of the phrase book are filled with.
struct Fill<'a> {
    unit: &'a UnitSpec,
    year: i32,
    words: AreaWords,
    /// 本局 / 本委 / 本镇 …
    own: String,
}

impl Fill<'_> {
    /// Replaces `{a-b}` by a number drawn in that range and the named placeholders by their
    /// values (see the phrase book); anything else in braces stays as written.
    fn fill(&self, template: &str, rng: &mut ChaCha8Rng) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return out;
            };
            let key = &after[..close];
            match self.value(key, rng) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn value(&self, key: &str, rng: &mut ChaCha8Rng) -> Option<String> {
        if let Some((lo, hi)) = key.split_once('-') {
            let (lo, hi): (u32, u32) = (lo.parse().ok()?, hi.parse().ok()?);
            return Some(rng.gen_range(lo.min(hi)..=hi.max(lo)).to_string());
        }
        Some(match key {
            "we" => self.unit.we.clone(),
            "self" => self.own.clone(),
            "year" => self.year.to_string(),
            "next" => (self.year + 1).to_string(),
            "law" => self.words.law.to_string(),
            "objects" => self.words.objects.to_string(),
            "service" => self.words.service.to_string(),
            "activity" => self.words.activity.to_string(),
            "region" => self.unit.region_name.clone(),
            "lvl" => self.unit.lvl.to_string(),
            "date" => {
                let month = rng.gen_range(3..=11);
                let day = rng.gen_range(1..=28);
                format!("{month}月{day}日")
            }
            _ => return None,
        })
    }
}

/// Writes the report of `unit` for `year`. `other_unit` is the name a copied report would
/// be signed with ([`Defect::SignatureMismatch`]).
pub fn write(
    unit: &UnitSpec,
    year: i32,
    defect: Defect,
    other_unit: &str,
    rng: &mut ChaCha8Rng,
) -> Draft {
    let own = unit.we.replacen('我', "本", 1);
    let f = Fill {
        unit,
        year,
        words: phrases::area_words(unit.area),
        own,
    };
    let mut out = String::with_capacity(6 * 1024);
    let title = title(unit, year, rng);
    out.push_str(&title);
    out.push_str("\n\n");
    if rng.gen_bool(0.7) {
        out.push_str(&format!("{}：\n", unit.addressee));
    }
    out.push_str(&opening(&f, rng));
    out.push_str("\n\n");

    // The parts, numbered as they come; a planted PartMissing drops one.
    let drop_other = defect == Defect::PartMissing && rng.gen_bool(0.6);
    let drop_first = defect == Defect::PartMissing && !drop_other;
    let mut parts: Vec<(String, String)> = Vec::new();
    parts.push((
        measures_heading(year, rng),
        measures(&f, defect == Defect::FactsScarce, rng),
    ));
    let first_responsible = (first_heading(rng), first_responsible(&f, rng));
    // Most reports follow the order of 厅字〔2019〕28号 as the brief lists it (第一责任人
    // second); some put it after the shortcomings.
    let first_late = rng.gen_bool(0.25);
    if !drop_first && !first_late {
        parts.push(first_responsible.clone());
    }
    let chosen = pick_shortcomings(rng);
    parts.push((
        pick(
            rng,
            &[
                "存在的不足和原因",
                "存在的问题及原因",
                "存在的不足及原因分析",
            ],
        )
        .to_string(),
        shortcomings(&f, &chosen, defect == Defect::CausesMissing, rng),
    ));
    if !drop_first && first_late {
        parts.push(first_responsible);
    }
    parts.push((next_heading(year, rng), next_year(&f, &chosen, rng)));
    if !drop_other {
        parts.push((
            pick(rng, &["其他需要报告的情况", "其他需要报告的事项"]).to_string(),
            other(&f, rng),
        ));
    }
    for (i, (heading, body)) in parts.iter().enumerate() {
        out.push_str(&format!("{}、{heading}\n{body}\n", CN_NUM[i]));
    }

    out.push('\n');
    let signer = if defect == Defect::SignatureMismatch {
        mismatched_signer(unit, other_unit, rng)
    } else {
        unit.name.clone()
    };
    out.push_str(&signer);
    out.push('\n');
    let signed = (defect != Defect::DateMissing).then(|| signature_date(year, rng));
    if let Some(d) = signed {
        out.push_str(&format!(
            "{}年{}月{}日\n",
            d.format("%Y"),
            d.format("%-m"),
            d.format("%-d")
        ));
    }
    Draft {
        title,
        text: out,
        signed,
        shortcomings: chosen
            .iter()
            .map(|s| (s.problem.to_string(), s.plan.to_string()))
            .collect(),
    }
}

const CN_NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

fn title(unit: &UnitSpec, year: i32, rng: &mut ChaCha8Rng) -> String {
    let name = &unit.name;
    match rng.gen_range(0..10) {
        0..=4 => format!("{name}{year}年法治政府建设年度报告"),
        5..=7 => format!("{name}{year}年度法治政府建设情况报告"),
        _ => format!("{name}关于{year}年法治政府建设情况的报告"),
    }
}

fn opening(f: &Fill, rng: &mut ChaCha8Rng) -> String {
    let leader = format!("{0}委、{0}政府", f.unit.lvl);
    let lead = pick(
        rng,
        &[
            "{year}年，{we}在{leader}的坚强领导下，深入学习贯彻习近平法治思想，认真落实《法治政府建设实施纲要（2021—2025年）》，",
            "{year}年，{we}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实中央和省、市关于法治政府建设的部署要求，",
            "{year}年，{we}紧紧围绕{region}经济社会发展大局，把法治政府建设作为全局性、基础性工作来抓，",
        ],
    )
    .replace("{leader}", &leader);
    let middle = pick(
        rng,
        &[
            "将法治政府建设与业务工作同谋划、同部署、同推进，各项工作取得新成效。",
            "扎实推进依法行政，法治政府建设各项任务得到较好落实。",
            "着力提升依法行政能力和水平，为{region}高质量发展提供了法治保障。",
        ],
    );
    let end = pick(
        rng,
        &[
            "现将有关情况报告如下：",
            "现将{year}年度法治政府建设情况报告如下：",
            "现将工作情况报告如下。",
        ],
    );
    f.fill(&format!("{lead}{middle}{end}"), rng)
}

fn measures_heading(year: i32, rng: &mut ChaCha8Rng) -> String {
    match rng.gen_range(0..3) {
        0 => format!("{year}年推进法治政府建设的主要举措和成效"),
        1 => format!("{year}年度法治政府建设主要举措及成效"),
        _ => "推进法治政府建设的主要举措和成效".to_string(),
    }
}

fn first_heading(rng: &mut ChaCha8Rng) -> String {
    pick(
        rng,
        &[
            "党政主要负责人履行推进法治建设第一责任人职责情况",
            "主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的情况",
            "履行推进法治建设第一责任人职责情况",
        ],
    )
    .to_string()
}

fn next_heading(year: i32, rng: &mut ChaCha8Rng) -> String {
    let next = year + 1;
    match rng.gen_range(0..3) {
        0 => format!("{next}年推进法治政府建设的主要安排"),
        1 => "下一年度推进法治政府建设的主要安排".to_string(),
        _ => format!("{next}年法治政府建设工作打算"),
    }
}

/// 主要举措和成效: the study topic then four to five others, each a （一） subsection.
/// With `scarce` the sentences carry no figure, date or named activity.
fn measures(f: &Fill, scarce: bool, rng: &mut ChaCha8Rng) -> String {
    let mut pool = phrases::topics(f.unit.area);
    pool.shuffle(rng);
    let mut topics: Vec<&Topic> = vec![&phrases::STUDY];
    for t in pool {
        if !topics.iter().any(|x| x.key == t.key) {
            topics.push(t);
        }
    }
    let n = if rng.gen_bool(0.3) { 6 } else { 5 };
    topics.truncate(n);
    let mut out = String::new();
    for (i, topic) in topics.iter().enumerate() {
        let headings: Vec<&str> = topic
            .headings
            .iter()
            .copied()
            .filter(|h| !scarce || !h.contains('“'))
            .collect();
        let heading = pick(rng, &headings);
        out.push_str(&format!("（{}）{heading}\n", CN_NUM[i]));
        let sentences: Vec<&str> = if scarce {
            topic
                .generic
                .iter()
                .copied()
                .filter(|s| !s.contains('“'))
                .collect()
        } else {
            let mut s: Vec<&str> = topic.sentences.to_vec();
            s.shuffle(rng);
            s.truncate(rng.gen_range(3..=5));
            s
        };
        let mut para = String::new();
        for s in &sentences {
            para.push_str(&f.fill(s, rng));
        }
        out.push_str(&para);
        out.push('\n');
    }
    out
}

fn first_responsible(f: &Fill, rng: &mut ChaCha8Rng) -> String {
    let who = match f.unit.kind {
        fazhi_domain::UnitKind::Government | fazhi_domain::UnitKind::Township => "政府主要负责人",
        _ => "主要负责人",
    };
    let sentences = [
        "{who}认真履行推进法治建设第一责任人职责，坚持重要工作亲自部署、重大问题亲自过问、重点环节亲自协调。",
        "全年主持召开会议专题研究法治建设工作{2-6}次，研究解决法治建设重点问题{3-12}个。",
        "带头学法，参加集中学法{6-14}次，为干部职工讲授法治专题课{1-3}次。",
        "审签重大行政决策和规范性文件前，均听取法律顾问和合法性审查意见。",
        "带头出庭应诉{1-3}次，在年终述职中专题报告履行推进法治建设第一责任人职责情况。",
        "将法治建设纳入班子成员年度述职述廉和考核内容，压实班子成员“一岗双责”。",
    ];
    let mut chosen: Vec<&str> = vec![sentences[0]];
    let mut rest: Vec<&str> = sentences[1..].to_vec();
    rest.shuffle(rng);
    chosen.extend(rest.into_iter().take(rng.gen_range(4..=5)));
    let text: String = chosen.iter().map(|s| f.fill(s, rng)).collect();
    text.replace("{who}", who)
}

/// Two or three shortcomings, different ones.
fn pick_shortcomings(rng: &mut ChaCha8Rng) -> Vec<&'static phrases::Shortcoming> {
    let n = rng.gen_range(2..=3);
    phrases::SHORTCOMINGS.choose_multiple(rng, n).collect()
}

fn shortcomings(
    f: &Fill,
    chosen: &[&phrases::Shortcoming],
    no_causes: bool,
    rng: &mut ChaCha8Rng,
) -> String {
    let mut out = String::new();
    out.push_str(&f.fill(
        pick(
            rng,
            &[
                "{year}年，{we}法治政府建设工作虽然取得一定成效，但对照新要求仍有差距：",
                "对照法治政府建设的目标任务，{we}工作中还存在一些不足：",
                "在肯定成绩的同时，我们也清醒地看到存在的不足：",
            ],
        ),
        rng,
    ));
    out.push('\n');
    let inline = rng.gen_bool(0.5);
    for (i, s) in chosen.iter().enumerate() {
        out.push_str(&format!("{}是{}", CN_NUM[i], s.problem));
        if !no_causes && inline {
            out.push_str(&format!("，主要原因是{}", s.cause));
        }
        out.push_str(if i + 1 == chosen.len() { "。" } else { "；" });
    }
    out.push('\n');
    if !no_causes && !inline {
        let lead = pick(rng, phrases::CAUSE_LEADS);
        let causes: Vec<&str> = chosen.iter().map(|s| s.cause).collect();
        if lead.ends_with("一是") {
            let mut text = format!("{lead}{}", causes[0]);
            for (i, c) in causes.iter().enumerate().skip(1) {
                text.push_str(&format!("；{}是{c}", CN_NUM[i]));
            }
            out.push_str(&text);
        } else {
            out.push_str(&format!("{lead}{}", causes.join("；")));
        }
        out.push_str("。\n");
    }
    out
}

fn next_year(f: &Fill, chosen: &[&phrases::Shortcoming], rng: &mut ChaCha8Rng) -> String {
    let mut items: Vec<String> = chosen.iter().map(|s| s.plan.to_string()).collect();
    let mut extra: Vec<&str> = phrases::PLANS.to_vec();
    extra.shuffle(rng);
    let n = rng.gen_range(1..=3);
    items.extend(extra.into_iter().take(n).map(|p| f.fill(p, rng)));
    items.shuffle(rng);
    let mut out = f.fill(
        pick(
            rng,
            &[
                "{next}年，{we}将重点做好以下工作：",
                "{next}年，{we}将坚持问题导向，针对存在的不足，重点抓好以下工作：",
            ],
        ),
        rng,
    );
    out.push('\n');
    if rng.gen_bool(0.5) {
        for (i, item) in items.iter().enumerate() {
            out.push_str(&format!("{}是{item}", CN_NUM[i]));
            out.push_str(if i + 1 == items.len() { "。" } else { "；" });
        }
        out.push('\n');
    } else {
        for (i, item) in items.iter().enumerate() {
            out.push_str(&format!("（{}）{item}。\n", CN_NUM[i]));
        }
    }
    out
}

fn other(f: &Fill, rng: &mut ChaCha8Rng) -> String {
    f.fill(
        pick(
            rng,
            &[
                "无。",
                "{we}无其他需要报告的事项。",
                "{year}年，{we}未发生因违法行政被问责的情况，无其他需要报告的事项。",
                "{year}年，{we}法治政府建设年度报告已按要求报送并在政府网站公开。",
            ],
        ),
        rng,
    )
}

/// A planted wrong signature: most often another unit's name (a report copied and not
/// re-signed), sometimes the unit's own name with the city misspelt.
fn mismatched_signer(unit: &UnitSpec, other_unit: &str, rng: &mut ChaCha8Rng) -> String {
    if rng.gen_bool(0.6) && other_unit != unit.name {
        other_unit.to_string()
    } else {
        unit.name
            .replacen("青川", pick(rng, &["清川", "青州", "青山"]), 1)
    }
}

/// Mostly in January and February of the next year; a few late ones in March.
fn signature_date(year: i32, rng: &mut ChaCha8Rng) -> NaiveDate {
    let (month, day) = match rng.gen_range(0..20) {
        0 => (3, rng.gen_range(2..=20)),
        1..=11 => (1, rng.gen_range(8..=31)),
        _ => (2, rng.gen_range(1..=27)),
    };
    NaiveDate::from_ymd_opt(year + 1, month, day).unwrap_or_default()
}
