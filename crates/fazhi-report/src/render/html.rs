//! One self-contained HTML page for a reviewer: a summary table of all files, then each
//! file's metadata, coverage, section tree, findings (linked to the blocks they point to),
//! facts, score and the report text with those blocks highlighted. Inline CSS, no scripts,
//! no external assets; everything from the files is escaped.
//!
//! Anchors: with a single file the blocks are `#b{block}` and the findings `#r{n}`; with
//! several files each file's anchors get the prefix `f{i}-` (`#f2-b17`) so they stay unique.

use super::{
    coverage_label, date, format_label, genre_label, missing_parts, num, place, severity_counts,
};
use crate::check::Finding;
use crate::model::{display_number, AnnualReport, Genre, Section};
use crate::Checked;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--red:#c00;--amber:#b36b00;--blue:#1f5fa8;--green:#2e7d32;--ink:#222;--muted:#666;--line:#ddd;--bg:#faf9f6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.7 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
h1,h2,h3{font-family:"方正小标宋简体","FZXiaoBiaoSong-B05S","SimSun","Songti SC","Noto Serif CJK SC",serif;font-weight:normal;line-height:1.4}
a{color:var(--blue)}
.masthead{background:#fff;border-bottom:3px solid var(--red);padding:18px 16px 12px;text-align:center}
.masthead h1{color:var(--red);font-size:26px;margin:0 0 4px;letter-spacing:2px}
.masthead p{margin:0;color:var(--muted)}
main{max-width:980px;margin:0 auto;padding:12px}
section.summary,article{background:#fff;border:1px solid var(--line);border-radius:4px;padding:12px 16px;margin:14px 0}
h2{font-size:21px;margin:6px 0 10px;border-left:4px solid var(--red);padding-left:10px;word-break:break-all}
h3{font-size:17px;margin:18px 0 8px;color:#333;border-bottom:1px solid var(--line);padding-bottom:2px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
table.files{min-width:680px}
td.file{word-break:break-all;min-width:10em}
td.unit{min-width:9em}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f1ec;font-weight:600;white-space:nowrap}
td.n{text-align:right;white-space:nowrap}
td.err{color:var(--red);font-weight:600}
td.warn{color:var(--amber);font-weight:600}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;word-break:break-all}
.none{color:#999}
ul.coverage{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:6px}
ul.coverage li{border:1px solid var(--line);border-radius:3px;padding:2px 8px}
.cov-section{color:var(--green)}.cov-subsection{color:var(--amber)}.cov-missing{color:var(--red);border-color:var(--red)!important}
ol.tree,ol.tree ol{list-style:none;padding-left:1.3em;margin:0}
ol.tree{padding-left:0}
ol.tree a{color:var(--blue);text-decoration:none}
ol.tree a:hover{text-decoration:underline}
.part{font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:3px;padding:0 4px;margin-left:4px;white-space:nowrap}
ul.findings{list-style:none;padding:0;margin:0}
ul.findings li{border-left:4px solid var(--line);padding:4px 10px;margin:6px 0;background:#fcfcfc}
ul.findings li.error{border-color:var(--red)}ul.findings li.warning{border-color:var(--amber)}ul.findings li.info{border-color:var(--blue)}
.badge{display:inline-block;font-size:12px;color:#fff;border-radius:3px;padding:0 6px;margin-right:6px}
.badge.error{background:var(--red)}.badge.warning{background:var(--amber)}.badge.info{background:var(--blue)}
code{font-size:12px;background:#f0eee8;padding:0 4px;border-radius:3px}
.basis,.where{font-size:13px;color:var(--muted)}
.error-box{color:var(--red);border:1px solid var(--red);padding:8px 12px;border-radius:3px;background:#fff5f5}
.total{font-size:28px;color:var(--red);font-family:"SimSun","Songti SC",serif}
.doc{border:1px solid var(--line);padding:16px 20px;font-family:"仿宋_GB2312","FangSong","STFangsong","SimSun","Songti SC",serif;font-size:16px;line-height:1.9;background:#fffefb}
.blk{margin:0 0 .4em;text-indent:2em;scroll-margin-top:40px;border-radius:2px}
.blk.k-title{text-align:center;text-indent:0;font-size:20px;font-family:"方正小标宋简体","SimSun","Songti SC",serif;margin:.4em 0 .8em}
.blk.k-heading{font-weight:bold;text-indent:0}
.blk.k-salutation{text-indent:0}
.blk.k-signature{text-align:right;text-indent:0}
.blk.k-front{font-size:13px;color:#999;text-indent:0;font-family:sans-serif}
.blk.hit{padding:2px 4px}
.blk.hit.error{background:#fde8e8;box-shadow:inset 3px 0 var(--red)}
.blk.hit.warning{background:#fff4df;box-shadow:inset 3px 0 var(--amber)}
.blk.hit.info{background:#eaf2fb;box-shadow:inset 3px 0 var(--blue)}
.blk:target{outline:2px solid var(--red)}
mark{background:#ffe08a}
a.mk{font-size:11px;text-indent:0;margin-left:4px;font-family:sans-serif;text-decoration:none;border:1px solid currentColor;border-radius:3px;padding:0 3px;white-space:nowrap}
a.mk.error{color:var(--red)}a.mk.warning{color:var(--amber)}a.mk.info{color:var(--blue)}
footer{text-align:center;color:#999;font-size:12px;padding:16px}
@media (max-width:600px){body{font-size:14px}.masthead h1{font-size:21px}main{padding:6px}section.summary,article{padding:10px}.doc{padding:10px 12px;font-size:15px}}
@media print{body{background:#fff}section.summary,article{border:none;page-break-before:always}}
"#;

/// The page for a batch of files: `(file label, checked report or the Chinese error message)`.
pub fn render_page(items: &[(String, Result<Checked, String>)]) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let readable = items.iter().filter(|(_, r)| r.is_ok()).count();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>法治政府建设年度报告审查结果</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header class=\"masthead\"><h1>法治政府建设年度报告审查结果</h1>\
         <p>共 {} 份文件，可读取 {} 份</p></header>\n<main>\n",
        items.len(),
        readable
    );
    let single = items.len() == 1;
    let prefix = |i: usize| {
        if single {
            String::new()
        } else {
            format!("f{i}-")
        }
    };

    // Summary table.
    out.push_str(
        "<section class=\"summary\"><h2>总览</h2><div class=\"scroll\"><table class=\"files\">\n<thead><tr>\
         <th>序号</th><th>文件</th><th>单位</th><th>年度</th><th>得分</th><th>错误</th>\
         <th>警告</th><th>缺失事项</th></tr></thead>\n<tbody>\n",
    );
    for (i, (file, res)) in items.iter().enumerate() {
        let link = format!("<a href=\"#f{i}\">{}</a>", escape(file));
        match res {
            Ok(c) => {
                let r = &c.report;
                let [e, w, _] = severity_counts(&c.findings);
                let missing: Vec<_> = missing_parts(r).iter().map(|p| p.label()).collect();
                let missing = if r.genre != Genre::RuleOfLawAnnualReport {
                    "<span class=\"none\">非年度报告</span>".to_string()
                } else if missing.is_empty() {
                    "<span class=\"none\">无</span>".to_string()
                } else {
                    escape(&missing.join("、"))
                };
                let _ = writeln!(
                    out,
                    "<tr><td class=\"n\">{}</td><td class=\"file\">{link}</td><td class=\"unit\">{}</td><td class=\"n\">{}</td>\
                     <td class=\"n\">{}</td><td class=\"n{}\">{e}</td><td class=\"n{}\">{w}</td>\
                     <td>{missing}</td></tr>",
                    i + 1,
                    opt(r.unit.as_ref().map(|u| u.written.as_str())),
                    r.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()),
                    c.score.total,
                    if e > 0 { " err" } else { "" },
                    if w > 0 { " warn" } else { "" },
                );
            }
            Err(msg) => {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"n\">{}</td><td class=\"file\">{link}</td><td colspan=\"6\" class=\"err\">\
                     无法读取：{}</td></tr>",
                    i + 1,
                    escape(msg)
                );
            }
        }
    }
    out.push_str("</tbody></table></div></section>\n");

    for (i, (file, res)) in items.iter().enumerate() {
        let _ = write!(
            out,
            "<article id=\"f{i}\">\n<h2>{}. {}</h2>\n",
            i + 1,
            escape(file)
        );
        match res {
            Ok(c) => file_body(&mut out, c, &prefix(i)),
            Err(msg) => {
                let _ = writeln!(out, "<p class=\"error-box\">无法读取：{}</p>", escape(msg));
            }
        }
        out.push_str("</article>\n");
    }
    out.push_str(
        "</main>\n<footer>本页由 Fazhi 自动生成，审查意见仅供参考，请以人工审核为准。</footer>\n\
         </body>\n</html>\n",
    );
    out
}

fn opt(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.is_empty() => escape(s),
        _ => "<span class=\"none\">—</span>".to_string(),
    }
}

fn file_body(out: &mut String, c: &Checked, p: &str) {
    meta_block(out, c);
    coverage_block(out, &c.report);
    sections_block(out, &c.report, p);
    findings_block(out, c, p);
    facts_block(out, &c.report, p);
    score_block(out, c);
    text_block(out, c, p);
}

/// 基本信息: format, genre, title, unit, year, numbers and dates.
fn meta_block(out: &mut String, c: &Checked) {
    let r = &c.report;
    out.push_str("<h3>基本信息</h3>\n<dl class=\"meta\">\n");
    let mut meta = |k: &str, v: String| {
        let _ = writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
    };
    meta("格式", escape(&format_label(&c.format)));
    meta("体裁", escape(genre_label(r.genre)));
    meta("标题", opt(r.title.as_deref()));
    meta(
        "单位",
        match &r.unit {
            Some(u) if u.written != u.normalized => {
                format!(
                    "{}（规范名：{}）",
                    escape(&u.written),
                    escape(&u.normalized)
                )
            }
            Some(u) => escape(&u.written),
            None => opt(None),
        },
    );
    meta("年度", opt(r.year.map(|y| y.to_string()).as_deref()));
    meta("发文字号", opt(r.doc_number.as_deref()));
    meta("主送", opt(r.salutation.as_deref()));
    meta(
        "落款单位",
        opt(r.signed_unit.as_ref().map(|u| u.written.as_str())),
    );
    meta("落款日期", opt(date(r.signed_date).as_deref()));
    meta("发布日期", opt(date(r.published_date).as_deref()));
    meta("正文字数", r.body_chars().to_string());
    out.push_str("</dl>\n");
}

/// 五项内容: how well each part is covered (annual reports only).
fn coverage_block(out: &mut String, r: &AnnualReport) {
    if r.genre == Genre::RuleOfLawAnnualReport {
        out.push_str("<h3>五项内容</h3>\n<ul class=\"coverage\">\n");
        for (part, level) in r.coverage.iter() {
            let (sym, label) = coverage_label(level);
            let _ = writeln!(
                out,
                "<li class=\"cov-{}\">{sym} {}：{label}</li>",
                super::coverage_key(level),
                escape(part.label())
            );
        }
        out.push_str("</ul>\n");
    }
}

/// 章节结构: the numbered headings as a tree.
fn sections_block(out: &mut String, r: &AnnualReport, p: &str) {
    out.push_str("<h3>章节结构</h3>\n");
    if r.sections.is_empty() {
        out.push_str("<p class=\"none\">未识别出编号标题。</p>\n");
    } else {
        out.push_str("<ol class=\"tree\">\n");
        for s in &r.sections {
            tree(out, s, p);
        }
        out.push_str("</ol>\n");
    }
}

/// 审查意见: the findings in severity order, keeping their index for anchors.
fn findings_block(out: &mut String, c: &Checked, p: &str) {
    let counts = severity_counts(&c.findings);
    let _ = writeln!(
        out,
        "<h3>审查意见（错误 {} · 警告 {} · 提示 {}）</h3>",
        counts[0], counts[1], counts[2]
    );
    // Findings in severity order, keeping their index for anchors.
    let mut ordered: Vec<(usize, &Finding)> = c.findings.iter().enumerate().collect();
    ordered.sort_by_key(|(k, f)| (f.severity, *k));
    if ordered.is_empty() {
        out.push_str("<p class=\"none\">未发现问题。</p>\n");
    } else {
        out.push_str("<ul class=\"findings\">\n");
        for (k, f) in &ordered {
            let sev = f.severity.key();
            let _ = write!(
                out,
                "<li class=\"{sev}\" id=\"{p}r{k}\"><span class=\"badge {sev}\">{}</span>\
                 <code>{}</code> {}",
                f.severity.label(),
                escape(f.rule),
                escape(&f.message)
            );
            let mut loc = String::new();
            if let Some(pl) = place(&f.location) {
                loc.push_str(&escape(&pl));
            }
            if let Some(q) = &f.location.quote {
                if !loc.is_empty() {
                    loc.push(' ');
                }
                let _ = write!(loc, "“{}”", escape(q));
            }
            if !loc.is_empty() {
                let loc = match f.location.block {
                    Some(b) => format!("<a href=\"#{p}b{b}\">{loc}</a>"),
                    None => loc,
                };
                let _ = write!(out, "<div class=\"where\">位置：{loc}</div>");
            }
            let _ = writeln!(
                out,
                "<div class=\"basis\">依据：{}</div></li>",
                escape(f.basis)
            );
        }
        out.push_str("</ul>\n");
    }
}

/// 数据: the figures found in the text.
fn facts_block(out: &mut String, r: &AnnualReport, p: &str) {
    let _ = writeln!(out, "<h3>数据（{} 项）</h3>", r.facts.len());
    if !r.facts.is_empty() {
        out.push_str(
            "<div class=\"scroll\"><table><thead><tr><th>原文</th><th>数值</th><th>计量</th>\
             <th>对象</th><th>位置</th></tr></thead><tbody>\n",
        );
        for f in &r.facts {
            let mut value = num(f.value);
            if f.approx {
                value.push_str("（约数）");
            }
            if f.minimum {
                value.push_str("（下限）");
            }
            let where_ = match (place(&f.location), f.location.block) {
                (Some(pl), Some(b)) => format!("<a href=\"#{p}b{b}\">{}</a>", escape(&pl)),
                (Some(pl), None) => escape(&pl),
                _ => opt(None),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{where_}</td></tr>",
                escape(&f.text),
                escape(&value),
                escape(&f.measure),
                opt(f.subject.as_deref()),
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// 得分: the total and its items.
fn score_block(out: &mut String, c: &Checked) {
    let _ = writeln!(
        out,
        "<h3>得分</h3>\n<p><span class=\"total\">{}</span> / 100</p>",
        c.score.total
    );
    if !c.score.items.is_empty() {
        out.push_str(
            "<div class=\"scroll\"><table><thead><tr><th>评分项</th><th>得分</th><th>满分</th>\
             <th>说明</th></tr></thead><tbody>\n",
        );
        for i in &c.score.items {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(i.label),
                num(i.points),
                num(i.max),
                escape(&i.explanation)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// 报告原文: the text, with the blocks findings point to highlighted and anchored.
fn text_block(out: &mut String, c: &Checked, p: &str) {
    let r = &c.report;
    let mut at_block: BTreeMap<usize, Vec<(usize, &Finding)>> = BTreeMap::new();
    for (k, f) in c.findings.iter().enumerate() {
        if let Some(b) = f.location.block {
            at_block.entry(b).or_default().push((k, f));
        }
    }
    out.push_str("<h3>报告原文</h3>\n<div class=\"doc\">\n");
    for (n, b) in r.blocks.iter().enumerate() {
        let kind = b.kind.key();
        let hits = at_block.get(&n);
        let worst = hits.and_then(|h| h.iter().map(|(_, f)| f.severity).min());
        let class = match worst {
            Some(s) => format!("blk k-{kind} hit {}", s.key()),
            None => format!("blk k-{kind}"),
        };
        let quotes: Vec<&str> = hits
            .map(|h| {
                h.iter()
                    .filter_map(|(_, f)| f.location.quote.as_deref())
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<p id=\"{p}b{n}\" class=\"{class}\">{}",
            marked(&b.text, &quotes)
        );
        for (k, f) in hits.into_iter().flatten() {
            let _ = write!(
                out,
                "<a class=\"mk {}\" href=\"#{p}r{k}\" title=\"{}\">{}</a>",
                f.severity.key(),
                escape(&f.message),
                escape(f.rule)
            );
        }
        out.push_str("</p>\n");
    }
    out.push_str("</div>\n");
}

fn tree(out: &mut String, s: &Section, p: &str) {
    let title = match &s.title {
        Some(t) => escape(t),
        None => "<span class=\"none\">（无标题）</span>".to_string(),
    };
    let part = s
        .part
        .map(|pt| format!("<span class=\"part\">{}</span>", escape(pt.label())))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<li><a href=\"#{p}b{}\">{}</a>{title}{part}",
        s.heading,
        escape(&display_number(s))
    );
    if !s.children.is_empty() {
        out.push_str("\n<ol>\n");
        for c in &s.children {
            tree(out, c, p);
        }
        out.push_str("</ol>");
    }
    out.push_str("</li>\n");
}

/// Escapes `text`, wrapping the first occurrence of each quote in `<mark>`.
fn marked(text: &str, quotes: &[&str]) -> String {
    let mut spans: Vec<(usize, usize)> = quotes
        .iter()
        .filter(|q| !q.is_empty())
        .filter_map(|q| text.find(q).map(|s| (s, s + q.len())))
        .collect();
    spans.sort();
    let mut out = String::new();
    let mut pos = 0;
    for (s, e) in spans {
        if s < pos {
            continue;
        }
        out.push_str(&escape(&text[pos..s]));
        let _ = write!(out, "<mark>{}</mark>", escape(&text[s..e]));
        pos = e;
    }
    out.push_str(&escape(&text[pos..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn single_file_page() {
        let page = render_page(&[("东湖<1>.txt".to_string(), Ok(fixture::checked()))]);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("<script>"), "unescaped script");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("东湖&lt;1&gt;.txt"));
        assert!(page.contains("东湖区司法局"));
        assert!(page.contains("href=\"#b6\""));
        assert!(page.contains("id=\"b6\" class=\"blk k-body hit error\""));
        assert!(page.contains("<mark>培训覆盖面</mark>"));
        assert!(page.contains("id=\"r0\""));
        assert!(page.contains("下一年度主要安排"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn batch_page_has_unique_anchors_and_errors() {
        let items = vec![
            ("a.txt".to_string(), Ok(fixture::checked())),
            ("b.doc".to_string(), Err("不支持 .doc 格式".to_string())),
            ("c.txt".to_string(), Ok(fixture::checked())),
        ];
        let page = render_page(&items);
        assert!(page.contains("id=\"f0-b6\"") && page.contains("id=\"f2-b6\""));
        assert!(page.contains("href=\"#f2-b6\""));
        assert!(page.contains("无法读取：不支持 .doc 格式"));
        assert!(page.contains("共 3 份文件，可读取 2 份"));
    }

    #[test]
    fn marks_quotes() {
        assert_eq!(marked("a<b>c", &["b"]), "a&lt;<mark>b</mark>&gt;c");
        assert_eq!(marked("abc", &["x", ""]), "abc");
    }
}
