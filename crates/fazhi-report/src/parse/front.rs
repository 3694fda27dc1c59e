//! The report's frame: web-page clutter and metadata, red-head lines, title, 发文字号,
//! salutation at the start; signature unit and date at the end.

use super::dates::{find_date, standalone_date};
use super::numbering::heading_number;
use super::units::{is_unit_line, unit_in_title};
use crate::model::BlockKind;
use crate::normalize::Para;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

/// What the frame analysis found; `kinds` has one entry per paragraph.
#[derive(Debug, Default)]
pub struct Frame {
    pub kinds: Vec<Option<BlockKind>>,
    pub title: Option<String>,
    /// A unit line right above the title (or a red-head "XX局文件").
    pub header_unit: Option<String>,
    pub title_unit: Option<String>,
    pub doc_number: Option<String>,
    pub salutation: Option<String>,
    pub signed_unit: Option<String>,
    pub signed_date: Option<NaiveDate>,
    pub published_date: Option<NaiveDate>,
    pub meta_unit: Option<String>,
}

static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([\p{Han}]{1,12})\s*[〔\[【［（]\s*(\d{4})\s*[〕\]】］）]\s*(\d{1,4})\s*号")
        .expect("doc number regex")
});

/// Labels of web-page metadata and navigation, with what their value means.
const META_LABELS: &[(&str, Meta)] = &[
    ("索引号", Meta::Ignore),
    ("发文字号", Meta::DocNumber),
    ("文号", Meta::DocNumber),
    ("发布机构", Meta::Unit),
    ("发文机关", Meta::Unit),
    ("发文单位", Meta::Unit),
    ("发布单位", Meta::Unit),
    ("来源", Meta::Ignore),
    ("信息来源", Meta::Ignore),
    ("发布日期", Meta::Published),
    ("发布时间", Meta::Published),
    ("公开日期", Meta::Published),
    ("成文日期", Meta::Signed),
    ("生成日期", Meta::Ignore),
    ("生效日期", Meta::Ignore),
    ("主题分类", Meta::Ignore),
    ("体裁分类", Meta::Ignore),
    ("主题词", Meta::Ignore),
    ("分类", Meta::Ignore),
    ("标题", Meta::Title),
    ("名称", Meta::Title),
    ("作者", Meta::Ignore),
    ("浏览次数", Meta::Ignore),
    ("访问量", Meta::Ignore),
    ("阅读", Meta::Ignore),
    ("点击", Meta::Ignore),
    ("字号", Meta::Ignore),
    ("字体", Meta::Ignore),
    ("当前位置", Meta::Ignore),
    ("您的位置", Meta::Ignore),
    ("您当前的位置", Meta::Ignore),
    ("所在位置", Meta::Ignore),
    ("公开方式", Meta::Ignore),
    ("公开范围", Meta::Ignore),
    ("有效性", Meta::Ignore),
    ("时效", Meta::Ignore),
    ("时间", Meta::Published),
    ("日期", Meta::Published),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meta {
    Ignore,
    DocNumber,
    Unit,
    Published,
    Signed,
    Title,
}

const NAV_WORDS: &[&str] = &[
    "首页",
    "打印",
    "关闭",
    "分享",
    "扫一扫",
    "收藏",
    "返回顶部",
    "上一篇",
    "下一篇",
    "【大】",
    "【中】",
    "【小】",
    "网站地图",
    "联系我们",
    "无障碍",
    "English",
    "相关链接",
    "相关文章",
    "相关阅读",
    "相关新闻",
    "相关附件",
    "手机打开",
    "责任编辑",
    "附件下载",
];

/// Web-page clutter: breadcrumbs, metadata lines, navigation words, bare timestamps.
fn clutter(s: &str) -> Option<(Meta, &str)> {
    // Metadata labels and navigation stand in short lines or at a line's start: a long
    // paragraph is looked at only in its first characters.
    let head = match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    };
    let compact: String = head.chars().filter(|c| !c.is_whitespace()).collect();
    for (label, meta) in META_LABELS {
        if let Some(rest) = compact.strip_prefix(label) {
            if rest.starts_with(['：', ':']) {
                // The value as written (with its spaces), after the line's first colon.
                let at = s.find(['：', ':']).map_or(s.len(), |i| {
                    i + s[i..].chars().next().map_or(0, char::len_utf8)
                });
                return Some((*meta, s[at..].trim()));
            }
        }
    }
    let short = head.len() == s.len() && compact.chars().count() <= 60;
    if short
        && (compact.contains('>')
            || compact.contains('»')
            || compact.contains('＞')
            || compact.contains('›'))
    {
        return Some((Meta::Ignore, ""));
    }
    if short && NAV_WORDS.iter().any(|w| compact.contains(w)) {
        return Some((Meta::Ignore, ""));
    }
    if short && standalone_date(s).is_some() && s.contains(':') {
        // A page-header timestamp ("2024-03-20 10:15"), not the report's date.
        return Some((Meta::Ignore, ""));
    }
    None
}

fn doc_number(s: &str) -> Option<String> {
    let c = DOC_NUMBER.captures(s)?;
    Some(format!("{}〔{}〕{}号", &c[1], &c[2], &c[3]))
}

fn is_title_candidate(s: &str) -> bool {
    let n = s.chars().count();
    (4..=90).contains(&n)
        && !s.ends_with(['。', '；', '，', '：'])
        && heading_number(s).is_none()
        && (s.contains("报告")
            || (s.contains("法治") && (s.contains("情况") || s.contains("总结"))))
}

/// True when the body of the text has begun at `s`: a sentence, not a frame line.
fn is_body(s: &str) -> bool {
    s.contains('。') || s.chars().count() > 60 || heading_number(s).is_some()
}

pub fn analyse(paras: &[Para]) -> Frame {
    let mut f = Frame {
        kinds: vec![None; paras.len()],
        ..Frame::default()
    };
    // 1. Front zone: everything before the first body paragraph, clutter or not.
    let body_start = paras
        .iter()
        .position(|p| is_body(&p.text) && clutter(&p.text).is_none())
        .unwrap_or(paras.len());
    let mut title_at = None;
    for (i, p) in paras.iter().enumerate().take(body_start) {
        if let Some((meta, value)) = clutter(&p.text) {
            f.kinds[i] = Some(BlockKind::Front);
            match meta {
                Meta::DocNumber => f.doc_number = f.doc_number.take().or_else(|| doc_number(value)),
                Meta::Unit if is_unit_line(value) => f.meta_unit = Some(value.to_string()),
                Meta::Published => {
                    f.published_date = f.published_date.or(find_date(value).map(|d| d.0))
                }
                Meta::Signed => f.signed_date = f.signed_date.or(find_date(value).map(|d| d.0)),
                Meta::Title if is_title_candidate(value) => f.title = Some(value.to_string()),
                _ => {}
            }
            continue;
        }
        if title_at.is_none() && is_title_candidate(&p.text) {
            title_at = Some(i);
        }
    }
    // A title may also stand after the first sentence-like line (rare: a lead paragraph).
    if let Some(t) = title_at {
        let mut title = paras[t].text.clone();
        f.kinds[t] = Some(BlockKind::Title);
        // A line above: the unit's name (header), or the first half of a two-line title.
        if t > 0 && f.kinds[t - 1].is_none() {
            let prev = &paras[t - 1].text;
            if is_unit_line(prev) {
                f.header_unit = Some(prev.strip_suffix("文件").unwrap_or(prev).to_string());
                f.kinds[t - 1] = Some(BlockKind::Front);
            } else if prev.chars().count() <= 40
                && !prev.ends_with(['。', '；', '：'])
                && (prev.contains("关于")
                    || prev.contains("法治")
                    || title.starts_with(['情', '的', '工']))
            {
                title = format!("{prev}{title}");
                f.kinds[t - 1] = Some(BlockKind::Title);
            }
        }
        f.title_unit = unit_in_title(&title);
        f.title = Some(title);
    }
    // Red-head lines, doc numbers and headers before the title or body.
    for (i, p) in paras.iter().enumerate().take(body_start) {
        if f.kinds[i].is_some() {
            continue;
        }
        let s = &p.text;
        if let Some(n) = doc_number(s).filter(|_| s.chars().count() <= 30) {
            f.doc_number.get_or_insert(n);
            f.kinds[i] = Some(BlockKind::Front);
        } else if is_unit_line(s) {
            if f.header_unit.is_none() && title_at.is_none_or(|t| i < t) {
                f.header_unit = Some(s.strip_suffix("文件").unwrap_or(s).to_string());
            }
            f.kinds[i] = Some(BlockKind::Front);
        } else if s.ends_with('：') && s.chars().count() <= 40 {
            f.salutation = Some(s.trim_end_matches('：').to_string());
            f.kinds[i] = Some(BlockKind::Salutation);
        } else if standalone_date(s).is_some() || s.chars().count() <= 40 {
            f.kinds[i] = Some(BlockKind::Front);
        }
    }
    // A salutation right at the body start ("县委、县政府：" sometimes carries no line of its own).
    if body_start < paras.len() && f.salutation.is_none() {
        let s = &paras[body_start].text;
        if s.ends_with('：') && s.chars().count() <= 30 && heading_number(s).is_none() {
            f.salutation = Some(s.trim_end_matches('：').to_string());
            f.kinds[body_start] = Some(BlockKind::Salutation);
        }
    }
    signature(paras, &mut f, body_start);
    f
}

/// Lines that follow a signature: attachments, 版记 (抄送/印发), contact and publication notes.
fn is_colophon(s: &str) -> bool {
    const STARTS: &[&str] = &[
        "附件",
        "（此件",
        "(此件",
        "（联系人",
        "(联系人",
        "联系人",
        "联系电话",
        "抄送",
        "抄报",
        "（信息公开",
        "信息公开选项",
        "公开方式",
        "（公开方式",
    ];
    STARTS.iter().any(|p| s.starts_with(p))
        || (s.contains("印发") && s.chars().count() <= 40 && !s.contains('。'))
}

/// The signature: a date line at the end, with a unit line before it (or both on one line),
/// skipping trailing clutter (打印本页, 附件 …).
fn signature(paras: &[Para], f: &mut Frame, body_start: usize) {
    let mut i = paras.len();
    while i > body_start {
        let s = &paras[i - 1].text;
        if clutter(s).is_some() || is_colophon(s) {
            f.kinds[i - 1] = Some(BlockKind::Front);
            i -= 1;
        } else {
            break;
        }
    }
    if i <= body_start {
        return;
    }
    let last = &paras[i - 1].text;
    if last.chars().count() > 40 {
        return;
    }
    if let Some(date) = standalone_date(last) {
        f.signed_date = Some(date);
        f.kinds[i - 1] = Some(BlockKind::Signature);
        // Up to two unit lines may stand above the date (joint reports).
        let mut j = i - 1;
        while j > body_start && is_unit_line(&paras[j - 1].text) && j + 2 >= i {
            f.kinds[j - 1] = Some(BlockKind::Signature);
            f.signed_unit = Some(paras[j - 1].text.clone());
            j -= 1;
        }
    } else if let Some((date, range)) = find_date(last) {
        let unit = last[..range.start].trim();
        if range.end + 3 >= last.len() && is_unit_line(unit) {
            f.signed_date = Some(date);
            f.signed_unit = Some(unit.to_string());
            f.kinds[i - 1] = Some(BlockKind::Signature);
        }
    } else if is_unit_line(last) {
        f.signed_unit = Some(last.clone());
        f.kinds[i - 1] = Some(BlockKind::Signature);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Hint;

    fn paras(lines: &[&str]) -> Vec<Para> {
        lines
            .iter()
            .map(|l| Para {
                text: l.to_string(),
                hint: Hint::None,
            })
            .collect()
    }

    #[test]
    fn web_page_frame() {
        let p = paras(&[
            "首页 > 政务公开 > 法治政府建设",
            "索引号：11430000-01-2024-0001",
            "发文字号：某司发〔2024〕3号",
            "发布机构：某某县司法局",
            "发布日期：2024-03-20",
            "2024-03-21 09:30",
            "某某县司法局关于2023年度法治政府建设情况的报告",
            "县委、县政府：",
            "2023年，我局在县委县政府的坚强领导下，扎实推进法治政府建设。现报告如下：",
            "一、主要举措和成效",
            "某某县司法局",
            "2024年2月26日",
            "【打印本页】【关闭窗口】",
        ]);
        let f = analyse(&p);
        assert_eq!(
            f.title.as_deref(),
            Some("某某县司法局关于2023年度法治政府建设情况的报告")
        );
        assert_eq!(f.title_unit.as_deref(), Some("某某县司法局"));
        assert_eq!(f.doc_number.as_deref(), Some("某司发〔2024〕3号"));
        assert_eq!(
            f.published_date.map(|d| d.to_string()).as_deref(),
            Some("2024-03-20")
        );
        assert_eq!(f.salutation.as_deref(), Some("县委、县政府"));
        assert_eq!(f.signed_unit.as_deref(), Some("某某县司法局"));
        assert_eq!(
            f.signed_date.map(|d| d.to_string()).as_deref(),
            Some("2024-02-26")
        );
        assert_eq!(f.kinds[5], Some(BlockKind::Front));
        assert_eq!(f.kinds[12], Some(BlockKind::Front));
    }

    #[test]
    fn red_head_and_two_line_title() {
        let p = paras(&[
            "某某县教育局文件",
            "某教发〔2024〕1号",
            "某某县教育局关于2023年度法治政府建设",
            "情况的报告",
            "2023年，我局扎实推进法治政府建设。",
        ]);
        let f = analyse(&p);
        assert_eq!(
            f.title.as_deref(),
            Some("某某县教育局关于2023年度法治政府建设情况的报告")
        );
        assert_eq!(f.header_unit.as_deref(), Some("某某县教育局"));
        assert_eq!(f.doc_number.as_deref(), Some("某教发〔2024〕1号"));
    }
}
