//! Word automatic numbering: `word/numbering.xml` model, list counters and number formats.
//!
//! Counters are kept per abstract numbering definition (as Word does: two `w:num`s over the
//! same `w:abstractNum` continue one list) unless a `w:num` overrides a level's start, which
//! restarts that level the first time the `w:num` is used.

use super::docx::{attr, is_w, parse_bool, parse_int, DocxXml, Tag};
use std::collections::{HashMap, HashSet};

pub(super) const LEVELS: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Suffix {
    Tab,
    Space,
    Nothing,
}

#[derive(Debug, Clone)]
pub(super) struct LevelDef {
    pub start: i64,
    pub fmt: String,
    pub text: Option<String>,
    pub is_lgl: bool,
    pub suffix: Suffix,
    pub pstyle: Option<String>,
    /// `w:lvlRestart`: 0 = never restart, n = restart when level n (1-based) or higher is used.
    pub restart: Option<i64>,
}

impl Default for LevelDef {
    fn default() -> Self {
        LevelDef {
            start: 1,
            fmt: "decimal".into(),
            text: None,
            is_lgl: false,
            suffix: Suffix::Tab,
            pstyle: None,
            restart: None,
        }
    }
}

#[derive(Debug, Default)]
struct AbstractNum {
    levels: [Option<LevelDef>; LEVELS],
    num_style_link: Option<String>,
}

#[derive(Debug, Default)]
struct LevelOverride {
    start: Option<i64>,
    level: Option<LevelDef>,
}

#[derive(Debug, Default)]
struct NumInstance {
    abstract_id: i64,
    overrides: [LevelOverride; LEVELS],
}

/// Parsed `word/numbering.xml`.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<i64, AbstractNum>,
    nums: HashMap<i64, NumInstance>,
}

/// Counter state while walking the document.
#[derive(Debug, Default)]
pub(super) struct Counters {
    per_abstract: HashMap<i64, [Option<i64>; LEVELS]>,
    used_nums: HashSet<i64>,
}

impl Numbering {
    pub(super) fn parse(xml: &[u8]) -> Result<Numbering, String> {
        let mut n = Numbering::default();
        let mut r = DocxXml::new(xml)?;
        let mut abs: Option<(i64, AbstractNum)> = None;
        let mut num: Option<(i64, NumInstance)> = None;
        let mut over: Option<u8> = None;
        let mut lvl: Option<(u8, LevelDef)> = None;
        // Depth inside w:pPr / w:rPr of a level (ignored).
        let mut ignore = 0usize;
        while let Some((ns, tag)) = r.next_tag()? {
            let (e, empty) = match &tag {
                Tag::Open(e, empty) => (e, *empty),
                Tag::Close(e) => {
                    if !is_w(&ns) {
                        continue;
                    }
                    if ignore > 0 {
                        ignore -= 1;
                        continue;
                    }
                    match e.local_name().as_ref() {
                        b"abstractNum" => {
                            if let Some((id, a)) = abs.take() {
                                n.abstracts.insert(id, a);
                            }
                        }
                        b"num" => {
                            if let Some((id, i)) = num.take() {
                                n.nums.insert(id, i);
                            }
                        }
                        b"lvlOverride" => over = None,
                        b"lvl" => {
                            if let Some((il, def)) = lvl.take() {
                                if let (Some((_, inst)), Some(o)) = (num.as_mut(), over) {
                                    inst.overrides[o as usize].level = Some(def);
                                } else if let Some((_, a)) = abs.as_mut() {
                                    a.levels[il as usize] = Some(def);
                                }
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
            };
            if !is_w(&ns) {
                continue;
            }
            if ignore > 0 {
                if !empty {
                    ignore += 1;
                }
                continue;
            }
            let local = e.local_name();
            match local.as_ref() {
                b"abstractNum" if !empty => {
                    let id = attr(e, b"abstractNumId").and_then(|v| parse_int(&v));
                    abs = id.map(|id| (id, AbstractNum::default()));
                }
                b"num" if !empty => {
                    let id = attr(e, b"numId").and_then(|v| parse_int(&v));
                    num = id.map(|id| (id, NumInstance::default()));
                }
                b"abstractNumId" => {
                    if let (Some((_, inst)), Some(v)) =
                        (num.as_mut(), attr(e, b"val").and_then(|v| parse_int(&v)))
                    {
                        inst.abstract_id = v;
                    }
                }
                b"numStyleLink" => {
                    if let Some((_, a)) = abs.as_mut() {
                        a.num_style_link = attr(e, b"val");
                    }
                }
                b"lvlOverride" if !empty => {
                    over = attr(e, b"ilvl")
                        .and_then(|v| parse_int(&v))
                        .filter(|&v| (0..LEVELS as i64).contains(&v))
                        .map(|v| v as u8);
                }
                b"startOverride" => {
                    if let (Some((_, inst)), Some(o)) = (num.as_mut(), over) {
                        inst.overrides[o as usize].start =
                            attr(e, b"val").and_then(|v| parse_int(&v));
                    }
                }
                b"lvl" if !empty => {
                    let il = attr(e, b"ilvl")
                        .and_then(|v| parse_int(&v))
                        .filter(|&v| (0..LEVELS as i64).contains(&v))
                        .unwrap_or(0) as u8;
                    lvl = Some((il, LevelDef::default()));
                }
                b"pPr" | b"rPr" if !empty && lvl.is_some() => ignore = 1,
                name => {
                    if let Some((_, def)) = lvl.as_mut() {
                        level_property(def, name, e);
                    }
                }
            }
        }
        Ok(n)
    }

    /// The abstract numbering id behind a `w:num`, following a `w:numStyleLink` once.
    fn abstract_of(&self, num_id: i64, style_num: &dyn Fn(&str) -> Option<i64>) -> Option<i64> {
        let inst = self.nums.get(&num_id)?;
        let a = self.abstracts.get(&inst.abstract_id)?;
        if let Some(link) = &a.num_style_link {
            if let Some(linked) = style_num(link)
                .and_then(|n| self.nums.get(&n))
                .map(|i| i.abstract_id)
                .filter(|id| self.abstracts.contains_key(id))
            {
                return Some(linked);
            }
        }
        Some(inst.abstract_id)
    }

    /// Level `ilvl` as the `w:num` sees it (a `w:lvlOverride` may replace it) and its start.
    fn level<'s>(
        inst: Option<&'s NumInstance>,
        abs: &'s AbstractNum,
        ilvl: usize,
    ) -> Option<(&'s LevelDef, i64)> {
        let over = inst.map(|i| &i.overrides[ilvl]);
        let def = over
            .and_then(|o| o.level.as_ref())
            .or(abs.levels[ilvl].as_ref())?;
        Some((def, over.and_then(|o| o.start).unwrap_or(def.start)))
    }

    /// The level of `num_id` whose `w:pStyle` is `style` (numbering that comes from a style).
    pub(super) fn level_for_style(
        &self,
        num_id: i64,
        style: &str,
        style_num: &dyn Fn(&str) -> Option<i64>,
    ) -> Option<u8> {
        let abs = self.abstracts.get(&self.abstract_of(num_id, style_num)?)?;
        abs.levels
            .iter()
            .position(|l| l.as_ref().and_then(|l| l.pstyle.as_deref()) == Some(style))
            .map(|p| p as u8)
    }

    /// Advances the counters for a paragraph numbered (`num_id`, `ilvl`) and returns the
    /// text Word shows before it (e.g. "一、", "（二）", "1.2 "), or None (no numbering,
    /// bullet, or an undefined list).
    pub(super) fn next_label(
        &self,
        counters: &mut Counters,
        num_id: i64,
        ilvl: u8,
        style_num: &dyn Fn(&str) -> Option<i64>,
    ) -> Option<String> {
        if num_id == 0 {
            return None;
        }
        let ilvl = (ilvl as usize).min(LEVELS - 1);
        let abs_id = self.abstract_of(num_id, style_num)?;
        let abs = self.abstracts.get(&abs_id)?;
        let inst = self.nums.get(&num_id);
        let (def, start) = Self::level(inst, abs, ilvl)?;
        let state = counters.per_abstract.entry(abs_id).or_default();
        if counters.used_nums.insert(num_id) {
            if let Some(inst) = inst {
                for (slot, o) in state.iter_mut().zip(&inst.overrides) {
                    if o.start.is_some() {
                        *slot = None;
                    }
                }
            }
        }
        let value = match state[ilvl] {
            Some(v) => v.saturating_add(1),
            None => start,
        };
        state[ilvl] = Some(value);
        for (d, slot) in state.iter_mut().enumerate().skip(ilvl + 1) {
            let restart = Self::level(inst, abs, d).and_then(|(l, _)| l.restart);
            let reset = match restart {
                None => true,
                Some(0) => false,
                // Restart when a level at or above `r` (1-based) is used.
                Some(r) => (ilvl as i64) < r,
            };
            if reset {
                *slot = None;
            }
        }
        if def.fmt == "bullet" {
            return None;
        }
        let template = def.text.as_deref()?;
        let mut out = String::with_capacity(template.len() + 8);
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    if (1..=LEVELS as u32).contains(&d) {
                        let k = d as usize - 1;
                        let kdef = Self::level(inst, abs, k);
                        let v = state[k].unwrap_or_else(|| kdef.map_or(1, |(_, s)| s));
                        let fmt = if def.is_lgl && k != ilvl {
                            "decimal"
                        } else {
                            kdef.map_or("decimal", |(l, _)| l.fmt.as_str())
                        };
                        format_number(v, fmt, &mut out);
                    }
                    continue;
                }
            }
            out.push(c);
        }
        if out.is_empty() {
            return None;
        }
        match def.suffix {
            Suffix::Nothing => {}
            Suffix::Space => out.push(' '),
            // A tab after "一、" or "（一）" reads as nothing; after "1." as a space.
            Suffix::Tab => {
                if out.chars().last().is_some_and(|c| c.is_ascii()) {
                    out.push(' ');
                }
            }
        }
        Some(out)
    }
}

fn level_property(def: &mut LevelDef, name: &[u8], e: &quick_xml::events::BytesStart<'_>) {
    match name {
        b"start" => {
            if let Some(v) = attr(e, b"val").and_then(|v| parse_int(&v)) {
                def.start = v;
            }
        }
        b"numFmt" => {
            if let Some(v) = attr(e, b"val") {
                // Word 2010 puts `custom` in mc:Choice and a plain format in mc:Fallback.
                if v != "custom" {
                    def.fmt = v;
                }
            }
        }
        b"lvlText" => def.text = attr(e, b"val"),
        b"isLgl" => def.is_lgl = parse_bool(attr(e, b"val").as_deref()),
        b"pStyle" => def.pstyle = attr(e, b"val"),
        b"lvlRestart" => def.restart = attr(e, b"val").and_then(|v| parse_int(&v)),
        b"suff" => {
            def.suffix = match attr(e, b"val").as_deref() {
                Some("space") => Suffix::Space,
                Some("nothing") => Suffix::Nothing,
                _ => Suffix::Tab,
            }
        }
        _ => {}
    }
}

const CN_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const CN_LEGAL: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// Appends `v` in Word number format `fmt` (ST_NumberFormat) to `out`.
pub(super) fn format_number(v: i64, fmt: &str, out: &mut String) {
    use std::fmt::Write;
    let decimal = |out: &mut String| {
        let _ = write!(out, "{v}");
    };
    match fmt {
        "none" | "bullet" => {}
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting" => {
            if !chinese(v, &CN_DIGITS, ['十', '百', '千'], false, out) {
                decimal(out)
            }
        }
        "chineseLegalSimplified" => {
            if !chinese(v, &CN_LEGAL, ['拾', '佰', '仟'], true, out) {
                decimal(out)
            }
        }
        "ideographDigital" | "taiwaneseDigital" => {
            if v < 0 {
                decimal(out)
            } else {
                for d in v.to_string().bytes() {
                    out.push(if d == b'0' {
                        '〇'
                    } else {
                        CN_DIGITS[(d - b'0') as usize]
                    });
                }
            }
        }
        "ideographTraditional" => cycle(v, "甲乙丙丁戊己庚辛壬癸", out),
        "ideographZodiac" => cycle(v, "子丑寅卯辰巳午未申酉戌亥", out),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => match v {
            1..=20 => out.push(char::from_u32(0x2460 + v as u32 - 1).unwrap_or('?')),
            21..=35 => out.push(char::from_u32(0x3251 + v as u32 - 21).unwrap_or('?')),
            36..=50 => out.push(char::from_u32(0x32B1 + v as u32 - 36).unwrap_or('?')),
            _ => decimal(out),
        },
        "decimalEnclosedParen" => match v {
            1..=20 => out.push(char::from_u32(0x2474 + v as u32 - 1).unwrap_or('?')),
            _ => decimal(out),
        },
        "decimalEnclosedFullstop" => match v {
            1..=20 => out.push(char::from_u32(0x2488 + v as u32 - 1).unwrap_or('?')),
            _ => decimal(out),
        },
        "ideographEnclosedCircle" => match v {
            1..=10 => out.push(char::from_u32(0x3280 + v as u32 - 1).unwrap_or('?')),
            _ => decimal(out),
        },
        "lowerLetter" | "upperLetter" => {
            if v < 1 {
                decimal(out)
            } else {
                let base = if fmt == "lowerLetter" { b'a' } else { b'A' };
                let letter = (base + ((v - 1) % 26) as u8) as char;
                let times = ((v - 1) / 26 + 1).min(50);
                for _ in 0..times {
                    out.push(letter);
                }
            }
        }
        "lowerRoman" | "upperRoman" => {
            if !(1..4000).contains(&v) {
                decimal(out)
            } else {
                roman(v, fmt == "lowerRoman", out)
            }
        }
        "decimalFullWidth" | "decimalFullWidth2" => {
            for d in v.to_string().chars() {
                out.push(match d {
                    '0'..='9' => char::from_u32(0xFF10 + d as u32 - '0' as u32).unwrap_or(d),
                    '-' => '－',
                    c => c,
                });
            }
        }
        "decimalZero" => {
            let _ = write!(out, "{v:02}");
        }
        _ => decimal(out),
    }
}

fn cycle(v: i64, set: &str, out: &mut String) {
    let n = set.chars().count() as i64;
    if v < 1 {
        let _ = std::fmt::Write::write_fmt(out, format_args!("{v}"));
        return;
    }
    if let Some(c) = set.chars().nth(((v - 1) % n) as usize) {
        out.push(c);
    }
}

/// Chinese counting: 一 … 十, 十一, 二十, 一百零一, 一千零二十 (legal: 壹拾, 壹佰零壹).
fn chinese(v: i64, digits: &[char; 10], units: [char; 3], legal: bool, out: &mut String) -> bool {
    if !(0..10_000).contains(&v) {
        return false;
    }
    if v == 0 {
        out.push(digits[0]);
        return true;
    }
    let d = [v / 1000, v / 100 % 10, v / 10 % 10, v % 10];
    let unit = [Some(units[2]), Some(units[1]), Some(units[0]), None];
    let mut started = false;
    let mut zero_pending = false;
    for (i, &digit) in d.iter().enumerate() {
        let x = digit as usize;
        if x == 0 {
            if started {
                zero_pending = true;
            }
            continue;
        }
        if zero_pending {
            out.push(digits[0]);
            zero_pending = false;
        }
        // 10..19 read 十, 十一 … (not 一十) in counting style; legal style keeps 壹拾.
        let skip_one = i == 2 && !started && x == 1 && !legal;
        if !skip_one {
            out.push(digits[x]);
        }
        if let Some(u) = unit[i] {
            out.push(u);
        }
        started = true;
    }
    true
}

fn roman(mut v: i64, lower: bool, out: &mut String) {
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    for (n, s) in TABLE {
        while v >= n {
            if lower {
                out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                out.push_str(s);
            }
            v -= n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: i64, fmt: &str) -> String {
        let mut s = String::new();
        format_number(v, fmt, &mut s);
        s
    }

    #[test]
    fn chinese_counting() {
        let cases = [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (1005, "一千零五"),
            (1020, "一千零二十"),
        ];
        for (v, want) in cases {
            assert_eq!(f(v, "chineseCounting"), want, "{v}");
        }
        assert_eq!(f(10, "chineseLegalSimplified"), "壹拾");
        assert_eq!(f(23, "chineseLegalSimplified"), "贰拾叁");
    }

    #[test]
    fn other_formats() {
        assert_eq!(f(3, "ideographTraditional"), "丙");
        assert_eq!(f(1, "decimalEnclosedCircle"), "①");
        assert_eq!(f(20, "decimalEnclosedCircle"), "⑳");
        assert_eq!(f(21, "decimalEnclosedCircle"), "㉑");
        assert_eq!(f(28, "lowerLetter"), "bb");
        assert_eq!(f(3, "upperLetter"), "C");
        assert_eq!(f(14, "lowerRoman"), "xiv");
        assert_eq!(f(1999, "upperRoman"), "MCMXCIX");
        assert_eq!(f(12, "decimalFullWidth"), "１２");
        assert_eq!(f(7, "none"), "");
        assert_eq!(f(2023, "ideographDigital"), "二〇二三");
        assert_eq!(f(5, "decimal"), "5");
        assert_eq!(f(5, "somethingNew"), "5");
    }
}
