//! Finding unit names (单位名称) in titles, header lines, signatures and body text.

use regex::Regex;
use std::sync::LazyLock;

/// Endings of the names of bodies that issue reports.
const ORG_SUFFIXES: &[&str] = &[
    "人民政府办公室",
    "人民政府",
    "委员会",
    "办公室",
    "管委会",
    "政府",
    "局",
    "委",
    "厅",
    "办",
    "院",
    "中心",
    "署",
    "会",
    "队",
    "所",
    "站",
    "馆",
    "处",
    "部",
    "社",
];

/// Words that end like a unit but are not one, or that show a phrase is prose.
const NOT_UNIT: &[&str] = &[
    "领导小组",
    "法治政府",
    "依法治",
    "的",
    "在",
    "了",
    "和谐",
    "工作会",
    "会议",
    "学习会",
    "座谈会",
    "推进会",
    "部署会",
    "我局",
    "本局",
    "全局",
    "该局",
    "各部",
    "全部",
    "内部",
    "中央",
    "党中央",
    "总书记",
    "全会",
    "大会",
    "机关",
    "班子",
    "研究院",
    "政治局",
];

/// Region names: one to eight characters then an administrative suffix.
static REGION_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:[\p{Han}]{1,8}?(?:省|自治区|市|自治州|州|盟|地区|自治县|县|区|旗|新区|乡|镇|街道))+",
        r"[\p{Han}]{1,16}?(?:人民政府办公室|人民政府|委员会|办公室|管委会|政府|局|委|厅|办|中心|署)",
    ))
    .expect("unit regex")
});

/// True when `s` as a whole reads as a unit name: short, no punctuation, a unit ending.
pub fn is_unit_line(s: &str) -> bool {
    let s = s.strip_suffix("文件").unwrap_or(s);
    let n = s.chars().count();
    (3..=30).contains(&n)
        && s.chars()
            .all(|c| crate::normalize::is_wide(c) && !is_punct(c) || c == '（' || c == '）')
        && ORG_SUFFIXES.iter().any(|suf| s.ends_with(suf))
        && !NOT_UNIT.iter().any(|w| s.contains(w))
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '：' | '、' | '“' | '”' | '《' | '》' | '！' | '？' | '（' | '）'
    )
}

/// The unit named at the start of a title ("古丈县科技和工业信息化局2023年度…报告",
/// "XX局关于2023年…"), or anywhere in it before 法治 ("2023年度XX局法治政府建设…").
pub fn unit_in_title(title: &str) -> Option<String> {
    // "关于白沙镇2023年度…": a unit or a bare region (a 镇's government) after 关于.
    if let Some(rest) = title.strip_prefix("关于") {
        let end = ["法治", "依法", "年度"]
            .iter()
            .filter_map(|w| rest.find(w))
            .chain(rest.find(|c: char| c.is_ascii_digit()))
            .min()
            .unwrap_or(0);
        let name = &rest[..end];
        if is_unit_line(name) || is_region_name(name) {
            return Some(name.to_string());
        }
    }
    let cut = ["关于", "法治", "依法", "年度", "年"]
        .iter()
        .filter_map(|w| title.find(w))
        .chain(title.find(|c: char| c.is_ascii_digit()))
        .min()
        .unwrap_or(title.len());
    let prefix = title[..cut].trim();
    if is_unit_line(prefix) {
        return Some(prefix.to_string());
    }
    // "2023年度XX局法治政府建设情况报告": a unit after the year.
    let after_year = title.find('年').map(|i| &title[i..]).unwrap_or("");
    let after_year = after_year.trim_start_matches(['年', '度']);
    let end = after_year
        .find("法治")
        .or_else(|| after_year.find("依法"))
        .unwrap_or(0);
    let middle = after_year[..end].trim_end_matches("关于");
    is_unit_line(middle).then(|| middle.to_string())
}

/// A bare region name (白沙镇, 青禾县) that stands for its government.
pub fn is_region_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=8).contains(&n)
        && s.chars()
            .all(|c| crate::normalize::is_wide(c) && !is_punct(c))
        && ["镇", "乡", "街道", "县", "区", "市", "旗"]
            .iter()
            .any(|suf| s.ends_with(suf))
        && !NOT_UNIT.iter().any(|w| s.contains(w))
}

/// Characters that start prose, not a name: a match of the unit pattern that begins with
/// them (年度白沙镇人民政府, 现将我县司法局) is trimmed.
const PROSE_LEAD: &[char] = &[
    '年', '度', '的', '在', '了', '和', '与', '及', '将', '把', '对', '于', '关', '现', '我', '为',
    '以', '按', '照', '根', '据', '由', '是', '等', '全', '本', '该', '各', '向', '经', '从', '今',
];

/// The first unit named with its region in body text ("…领导下，魏都区科工局坚持…").
pub fn unit_in_body(text: &str) -> Option<String> {
    // The unit names itself in the opening sentences; 200 characters are plenty.
    let text = match text.char_indices().nth(200) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    REGION_UNIT
        .find_iter(text)
        .map(|m| m.as_str().trim_start_matches(PROSE_LEAD))
        .find(|m| {
            !NOT_UNIT.iter().any(|w| m.contains(w))
                && m.chars().count() <= 24
                && m.chars().count() >= 4
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_units() {
        assert_eq!(
            unit_in_title("古丈县科技和工业信息化局2023年度法治政府建设年度报告").as_deref(),
            Some("古丈县科技和工业信息化局")
        );
        assert_eq!(
            unit_in_title("某某市司法局关于2023年法治政府建设情况的报告").as_deref(),
            Some("某某市司法局")
        );
        assert_eq!(
            unit_in_title("2023年度某某县教育局法治政府建设情况报告").as_deref(),
            Some("某某县教育局")
        );
        assert_eq!(unit_in_title("法治政府建设情况的报告"), None);
        assert_eq!(unit_in_title("关于2023年法治政府建设情况的报告"), None);
    }

    #[test]
    fn unit_lines() {
        assert!(is_unit_line("解放区科技和工业信息化局"));
        assert!(is_unit_line("古丈县科技和工业信息化局文件"));
        assert!(!is_unit_line("中共某某县委全面依法治县委员会办公室")); // 依法治
        assert!(!is_unit_line("县委、县政府："));
        assert!(!is_unit_line("主要措施和成效"));
    }

    #[test]
    fn body_units() {
        assert_eq!(
            unit_in_body(
                "2023年，在市、区法治政府建设领导小组办公室的正确领导下，魏都区科工局坚持以习近平"
            )
            .as_deref(),
            Some("魏都区科工局")
        );
        assert_eq!(unit_in_body("全区经济运行向上向好发展"), None);
    }
}
