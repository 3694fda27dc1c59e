//! The demo's accounts, a report to upload, temporary directories and flags.

use std::collections::HashMap;
use std::path::Path;

use super::{Auth, Client, Server};

/// `fazhi serve --demo --demo-units N --demo-years Y` on a fresh directory: the server, its
/// client and the lines it printed once it listened (with the demo's passwords).
pub struct Demo {
    /// Declared before the directory, so that the process is killed before the directory
    /// goes.
    pub server: Server,
    pub c: Client,
    pub lines: Vec<String>,
    dir: tempfile::TempDir,
}

impl Demo {
    pub fn start(tag: &str, units: u32, years: u32) -> Demo {
        let dir = tempdir(tag);
        let (units, years) = (units.to_string(), years.to_string());
        let server = Server::start(
            dir.path(),
            &["--demo", "--demo-units", &units, "--demo-years", &years],
        );
        let c = server.client();
        let lines = server.stdout.lock().unwrap().clone();
        Demo {
            server,
            c,
            lines,
            dir,
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The printed passwords of `logins` ([`demo_passwords`]).
    pub fn passwords(&self, logins: &[&str]) -> HashMap<String, String> {
        demo_passwords(&self.lines, logins)
    }

    /// The printed password of `login`.
    pub fn password(&self, login: &str) -> String {
        self.passwords(&[login])
            .remove(login)
            .unwrap_or_else(|| panic!("{login} password printed"))
    }

    /// Signs `login` in with its printed password.
    pub fn login(&self, login: &str) -> Auth {
        self.c.must_login(login, &self.password(login))
    }
}

/// `(login, password)` pairs printed by `fazhi serve --demo` / `fazhi demo`, for the logins
/// given: on a line naming a login, the first later word that looks like a password
/// (8+ characters, letters and digits or signs, not itself a login).
pub fn demo_passwords(lines: &[String], logins: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let is_sep = |c: char| c.is_whitespace() || "|，,：:；;（）()【】[]“”\"'`".contains(c);
    for line in lines {
        let words: Vec<&str> = line.split(is_sep).filter(|w| !w.is_empty()).collect();
        for (i, w) in words.iter().enumerate() {
            if !logins.contains(w) || out.contains_key(*w) {
                continue;
            }
            let pw = words[i + 1..].iter().find(|p| {
                p.chars().count() >= 8
                    && p.is_ascii()
                    && p.chars().any(|c| c.is_ascii_alphabetic())
                    && p.chars().any(|c| !c.is_ascii_alphabetic())
                    && !logins.contains(p)
            });
            if let Some(pw) = pw {
                out.insert(w.to_string(), pw.to_string());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// A report to upload

/// A fictional 法治政府建设年度报告 of a unit of the invented 青川市 (written for these
/// tests), with the five parts the 《法治政府建设与责任落实督察工作规定》 asks for.
/// `seed` varies the figures so that every call gives distinct bytes.
pub fn report_txt(unit: &str, year: i32, seed: u64) -> String {
    let n = |k: u64| (seed.wrapping_mul(2654435761).wrapping_add(k * 97)) % 90 + 10;
    let next = year + 1;
    format!(
        "{unit}{year}年法治政府建设年度报告\n\
\n\
市委全面依法治市委员会办公室：\n\
{year}年，{unit}坚持以习近平法治思想为指导，认真贯彻落实《法治政府建设实施纲要（2021—2025年）》，\
扎实推进各项工作。现将有关情况报告如下：\n\
\n\
一、{year}年度推进法治政府建设的主要举措和成效\n\
（一）深入学习贯彻习近平法治思想。全年召开党组理论学习中心组法治专题学习{a}次，组织干部职工参加法治培训{b}场次，\
领导干部年度学法考试参考率达100%。\n\
（二）健全依法行政制度体系。审查行政规范性文件{c}件，清理文件{d}件，重大行政决策全部经过合法性审查和集体讨论。\n\
（三）严格规范公正文明执法。全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，\
办理行政执法案件{e}件，案卷评查合格率达98%。\n\
（四）强化行政权力制约监督。主动公开政府信息{f}条，办理依申请公开{g}件，按时办结率100%。\n\
（五）依法有效化解社会矛盾纠纷。办理行政复议答复{h}件，行政诉讼出庭应诉{i}件，负责人出庭应诉率100%。\n\
\n\
二、{year}年度推进法治政府建设存在的不足和原因\n\
一是基层执法人员专业能力与新形势要求还有差距；二是普法宣传的针对性和实效性有待增强。\
主要原因是培训投入不足，执法力量配备不够均衡。\n\
\n\
三、{year}年度党政主要负责人履行推进法治建设第一责任人职责、加强法治政府建设的有关情况\n\
单位主要负责人认真履行推进法治建设第一责任人职责，主持召开法治建设专题会议{j}次，\
研究解决法治建设重要问题，带头讲授法治课1次，年终述职报告专门述法。\n\
\n\
四、{next}年度推进法治政府建设的主要安排\n\
（一）持续深化习近平法治思想学习宣传，组织执法人员参加法治培训不少于60学时。\n\
（二）严格落实重大行政决策程序，提升行政执法质量和效能。\n\
（三）落实“谁执法谁普法”普法责任制，推进普法与依法治理有机融合。\n\
\n\
五、其他需要报告的情况\n\
本年度未发生因违法行政被问责的情况。\n\
\n\
{unit}\n\
{next}年1月{day}日\n",
        a = n(1) % 12 + 2,
        b = n(2),
        c = n(3),
        d = n(4),
        e = n(5) * 3 + seed % 7,
        f = n(6) * 11,
        g = n(7),
        h = n(8) % 20 + 1,
        i = n(9) % 15 + 1,
        j = n(10) % 6 + 2,
        day = n(11) % 28 + 1,
    )
}

/// A fresh temporary directory under `/tmp/e2e-*`.
pub fn tempdir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("e2e-{tag}-"))
        .tempdir_in("/tmp")
        .expect("temp dir")
}

/// Whether an environment flag is set to something other than empty, `0` or `false`.
pub fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}
