//! End-to-end tests of the `fazhi` binary on fixtures written into a temporary directory.
//! Paths are passed relative to the directory (`current_dir`), so output is deterministic.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// A synthetic 法治政府建设年度报告 in the genre's usual shape (written for these tests).
const REPORT: &str = "\
青山区市场监督管理局
关于2024年度法治政府建设情况的报告

区委、区政府：
2024年，我局在区委、区政府的坚强领导下，深入学习贯彻习近平法治思想，认真落实法治政府建设各项任务，现将有关情况报告如下：

一、2024年度推进法治政府建设的主要举措和成效
（一）健全依法决策机制。全年召开局务会议研究重大事项15次，重大行政决策全部经过合法性审查。
（二）规范行政执法行为。全面推行行政执法三项制度，办理行政处罚案件126件，行政执法案卷评查合格率达100%。
（三）深化普法宣传教育。开展主题普法活动20余场，发放宣传资料3000余份。
二、2024年度推进法治政府建设存在的不足和原因
一是执法人员专业能力有待提升；二是普法形式还不够丰富。主要原因是培训投入不足，基层执法力量较为薄弱。
三、2024年度党政主要负责人履行推进法治建设第一责任人职责、加强法治政府建设的有关情况
局主要负责同志认真履行第一责任人职责，主持召开法治建设专题会议4次，带头讲授法治课1次。
四、2025年度推进法治政府建设的主要安排
（一）加强执法队伍建设，组织执法人员参加法治培训不少于60学时。
（二）创新普法方式，推动“谁执法谁普法”普法责任制落实。
五、其他需要报告的情况
无。

青山区市场监督管理局
2025年1月15日
";

/// Another report whose text carries markup that must come out escaped in HTML.
const REPORT_WITH_MARKUP: &str = "\
白沙县司法局2023年法治政府建设年度报告

2023年，白沙县司法局坚持以习近平法治思想为指导，扎实推进法治政府建设，现将有关情况报告如下：
一、主要举措和成效
全年审查行政规范性文件12件，在门户网站开设<script>alert('法治')</script>专栏，办理法律援助案件85件。
二、存在的不足和原因
行政复议应诉能力还需加强，原因是专业人员不足。
三、下一年度工作安排
持续完善行政执法监督机制。

白沙县司法局
2024年2月1日
";

fn fazhi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("FAZHI_FRAMEWORKS_DIR")
        .output()
        .expect("run fazhi")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// Bytes that are no text in any encoding (deterministic pseudo-random, with NULs).
fn noise() -> Vec<u8> {
    let mut x: u32 = 0x2545_f491;
    (0..4096)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 7 == 0 {
                0
            } else {
                (x >> 24) as u8
            }
        })
        .collect()
}

/// A directory `报告/` with a UTF-8 report, its GBK copy, noise and a legacy .doc.
fn batch_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("报告");
    std::fs::create_dir_all(dir.join("旧版")).unwrap();
    std::fs::write(dir.join("a_青山区.txt"), REPORT).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(REPORT);
    assert!(!unmappable);
    std::fs::write(dir.join("b_青山区_gbk.txt"), &gbk).unwrap();
    std::fs::write(dir.join("c_乱码.txt"), noise()).unwrap();
    // An OLE2 compound file header, as a real .doc starts.
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.extend([0u8; 504]);
    std::fs::write(dir.join("旧版").join("d_旧报告.doc"), &doc).unwrap();
    std::fs::write(dir.join("说明.json"), "{}").unwrap();
    tmp
}

#[test]
fn batch_goes_on_past_unreadable_files() {
    let tmp = batch_dir();
    let out = fazhi(tmp.path(), &["check", "--format", "json", "报告"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let lines = json_lines(&out);
    let files: Vec<&str> = lines.iter().map(|v| v["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "报告/a_青山区.txt",
            "报告/b_青山区_gbk.txt",
            "报告/c_乱码.txt",
            "报告/旧版/d_旧报告.doc",
        ]
    );
    let (utf8, gbk) = (&lines[0], &lines[1]);
    for v in [utf8, gbk] {
        assert!(v.get("error").is_none(), "{v}");
        assert_eq!(v["format"], "txt");
        assert_eq!(v["genre"], "rule_of_law_annual_report");
        assert_eq!(v["unit"], "青山区市场监督管理局");
        assert_eq!(v["year"], 2024);
        assert!(v["sections"].as_array().unwrap().len() >= 4, "{v}");
        assert!(v["coverage"].is_object() && v["score"]["total"].is_u64());
    }
    assert_eq!(utf8["encoding"], "UTF-8");
    assert_ne!(gbk["encoding"], "UTF-8");
    assert_eq!(utf8["sections"], gbk["sections"]);
    assert_eq!(utf8["facts"], gbk["facts"]);
    for v in &lines[2..] {
        let msg = v["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error: {v}"));
        assert!(!msg.is_empty());
        assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
    }
    assert!(lines[3]["error"].as_str().unwrap().contains(".docx"));
}

#[test]
fn exit_zero_when_all_files_read() {
    let tmp = batch_dir();
    let out = fazhi(
        tmp.path(),
        &[
            "check",
            "--format",
            "json",
            "--jobs",
            "2",
            "报告/b_青山区_gbk.txt",
            "报告/a_青山区.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let lines = json_lines(&out);
    // Files named on the command line keep their order.
    assert_eq!(lines[0]["file"], "报告/b_青山区_gbk.txt");
    assert_eq!(lines[1]["file"], "报告/a_青山区.txt");
}

#[test]
fn a_one_gigabyte_file_is_refused_by_its_size_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a_青山区.txt"), REPORT).unwrap();
    // A sparse file: 1 GiB long, no disk used; it must be refused before it is read.
    let big = std::fs::File::create(tmp.path().join("b_huge.txt")).unwrap();
    big.set_len(1 << 30).unwrap();
    drop(big);
    let out = fazhi(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["year"], 2024, "{}", lines[0]);
    let err = lines[1]["error"].as_str().unwrap();
    assert!(
        err.contains("文件过大") && err.contains("1073741824"),
        "{err}"
    );
}

#[test]
fn missing_path_is_reported_and_batch_goes_on() {
    let tmp = batch_dir();
    let out = fazhi(
        tmp.path(),
        &["check", "--no-color", "无此文件.txt", "报告/a_青山区.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("无此文件.txt") && text.contains("找不到"),
        "{text}"
    );
    assert!(text.contains("青山区市场监督管理局"), "{text}");
    assert!(text.contains("共 2 份文件"), "{text}");
}

#[test]
fn html_page_escapes_the_text() {
    let tmp = batch_dir();
    std::fs::write(tmp.path().join("报告/e_白沙县.txt"), REPORT_WITH_MARKUP).unwrap();
    let out = fazhi(tmp.path(), &["check", "--format", "html", "报告"]);
    assert_eq!(out.status.code(), Some(1));
    let page = stdout(&out);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("白沙县司法局"));
    assert!(page.contains("青山区市场监督管理局"));
    assert!(page.contains("&lt;script&gt;alert"), "markup not escaped");
    assert!(page.contains("&#39;法治&#39;") && page.contains("&lt;/script&gt;"));
    assert!(!page.contains("<script"), "a script element in the page");
    assert!(page.contains("报告/旧版/d_旧报告.doc"));
    assert!(page.contains("无法读取"));
}

#[test]
fn text_output_is_plain_when_piped_or_no_color() {
    let tmp = batch_dir();
    let piped = fazhi(tmp.path(), &["check", "报告/a_青山区.txt"]);
    assert_eq!(piped.status.code(), Some(0));
    assert!(!stdout(&piped).contains('\u{1b}'));
    let out = fazhi(tmp.path(), &["check", "--no-color", "报告/a_青山区.txt"]);
    assert_eq!(stdout(&out), stdout(&piped));
}

#[test]
fn bad_published_date_is_a_usage_error() {
    let tmp = batch_dir();
    let out = fazhi(tmp.path(), &["check", "--published", "2024-02-30", "报告"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("YYYY-MM-DD"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn unknown_outline_lists_the_builtin_ones() {
    let tmp = batch_dir();
    let out = fazhi(tmp.path(), &["check", "--outline", "mars", "报告"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("national") && err.contains("guangdong"),
        "{err}"
    );
    let ok = fazhi(
        tmp.path(),
        &["check", "--outline", "guangdong", "报告/a_青山区.txt"],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

/// `check` and `outlines` honour a frameworks directory (`--frameworks-dir`, else
/// `FAZHI_FRAMEWORKS_DIR`), as `serve` does: its outlines are listed and usable, a broken
/// file stops the command naming the file.
#[test]
fn check_and_outlines_honour_the_frameworks_dir() {
    let tmp = batch_dir();
    let national = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frameworks/outlines/national.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("框架/outlines")).unwrap();
    std::fs::write(
        tmp.path().join("框架/outlines/zhejiang.toml"),
        national.replace("\"national", "\"zhejiang"),
    )
    .unwrap();
    let o = fazhi(tmp.path(), &["outlines", "--frameworks-dir", "框架"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("zhejiang"), "{}", stdout(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["outlines"])
        .current_dir(tmp.path())
        .env("FAZHI_FRAMEWORKS_DIR", "框架")
        .output()
        .unwrap();
    assert!(stdout(&o).contains("zhejiang"), "{}", stderr(&o));
    let ok = fazhi(
        tmp.path(),
        &[
            "check",
            "--frameworks-dir",
            "框架",
            "--outline",
            "zhejiang",
            "报告/a_青山区.txt",
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // Without the directory the outline is unknown.
    let no = fazhi(
        tmp.path(),
        &["check", "--outline", "zhejiang", "报告/a_青山区.txt"],
    );
    assert_eq!(no.status.code(), Some(2));

    std::fs::write(
        tmp.path().join("框架/rules.toml"),
        "publication_deadline = \n",
    )
    .unwrap();
    let bad = fazhi(
        tmp.path(),
        &["check", "--frameworks-dir", "框架", "报告/a_青山区.txt"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("rules.toml"), "{}", stderr(&bad));
}

#[test]
fn usage_errors_exit_2_in_chinese() {
    let tmp = batch_dir();
    let out = fazhi(tmp.path(), &["check", "--format", "xml", "报告"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("无效"), "{}", stderr(&out));
    let out = fazhi(tmp.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let out = fazhi(tmp.path(), &["check", "--bogus", "报告"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("无法识别的参数"), "{}", stderr(&out));
}

#[test]
fn help_version_and_outlines() {
    let tmp = tempfile::tempdir().unwrap();
    let v = fazhi(tmp.path(), &["--version"]);
    assert_eq!(v.status.code(), Some(0));
    assert!(stdout(&v).contains(env!("CARGO_PKG_VERSION")));
    let h = fazhi(tmp.path(), &["check", "--help"]);
    assert_eq!(h.status.code(), Some(0));
    let help = stdout(&h);
    assert!(
        help.contains("输出格式") && help.contains("--published"),
        "{help}"
    );
    let o = fazhi(tmp.path(), &["outlines"]);
    assert_eq!(o.status.code(), Some(0));
    let list = stdout(&o);
    assert!(
        list.contains("national") && list.contains("guangdong"),
        "{list}"
    );
    assert!(list.contains("主要举措和成效"), "{list}");
}

#[test]
fn snapshot_text() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("青山区.txt"), REPORT).unwrap();
    let out = fazhi(
        tmp.path(),
        &[
            "check",
            "--no-color",
            "--published",
            "2025-02-20",
            "青山区.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("text_report", stdout(&out));
}

#[test]
fn snapshot_json() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("青山区.txt"), REPORT).unwrap();
    let out = fazhi(
        tmp.path(),
        &[
            "check",
            "--format",
            "json",
            "--published",
            "2025-02-20",
            "青山区.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    insta::assert_json_snapshot!("json_report", lines[0]);
}
