//! 政务公开 and 依申请公开 (some replies planted late).

use super::gen::SURNAMES;
use super::*;

impl Gen<'_> {
    pub(super) fn publications(&mut self) -> Result<(), String> {
        let y = self.year;
        let service = self.words.service;
        let own = self.own();
        let items: Vec<(String, &str)> = vec![
            (format!("{y}年度部门预算"), "管理公开"),
            (format!("{y}年度重大行政决策事项目录"), "决策公开"),
            (format!("{service}办事指南"), "服务公开"),
            ("行政处罚结果信息".into(), "结果公开"),
            (format!("{}年法治政府建设年度报告", y - 1), "结果公开"),
            (format!("{own}权责清单（{y}年版）"), "管理公开"),
            ("“双随机、一公开”抽查结果".into(), "结果公开"),
            ("重点工作推进情况（上半年）".into(), "执行公开"),
            ("规范性文件政策解读".into(), "决策公开"),
            (format!("{}年度部门决算", y - 1), "管理公开"),
            ("建议提案办理结果".into(), "结果公开"),
            ("政策文件公开征求意见".into(), "决策公开"),
            ("重点项目实施进展".into(), "执行公开"),
            (format!("{service}办理流程图"), "服务公开"),
        ];
        let n = self.scaled(8, items.len()).min(items.len());
        let chosen: Vec<(String, &str)> =
            items.choose_multiple(&mut self.rng, n).cloned().collect();
        let mut rows: Vec<(NaiveDate, String, &str)> = chosen
            .into_iter()
            .map(|(t, c)| (self.day_in(1, 12), t, c))
            .collect();
        rows.sort_by_key(|r| r.0);
        for (date, title, category) in rows {
            let channel = self.pick(&["门户网站", "门户网站", "政务新媒体", "政务公开专栏"]);
            if title.contains("决策事项目录") {
                self.tag(&["decision.procedure"]);
            }
            self.push(
                RecordKind::Publication,
                y,
                &[
                    ("date", ymd(date)),
                    ("category", category.into()),
                    ("title", title),
                    ("channel", channel.into()),
                ],
            )?;
        }
        Ok(())
    }

    pub(super) fn disclosure_content(&mut self, year: i32) -> String {
        let objects = self.words.objects;
        let service = self.words.service;
        let t = [
            format!("申请公开{year}年度{objects}专项资金分配结果"),
            format!("申请公开{service}相关审批材料"),
            "申请公开某项目立项批复文件".to_string(),
            format!("申请公开{objects}行政处罚决定书"),
        ];
        self.pick(&t)
    }

    pub(super) fn disclosure(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.rng.gen_range(2..=5);
        let late = self
            .plants
            .contains(&Plant::DisclosureLate)
            .then(|| self.rng.gen_range(0..n));
        let mut days: Vec<NaiveDate> = (0..n).map(|_| self.day_in(2, 11)).collect();
        days.sort();
        for (i, received) in days.into_iter().enumerate() {
            let content = format!("{}（{}）", self.disclosure_content(y), i + 1);
            let replied = if late == Some(i) {
                self.plant(
                    "disclosure-late",
                    RecordKind::DisclosureRequest,
                    y,
                    &content,
                );
                let wd = self.rng.gen_range(24..=30);
                self.add_working(received, wd)
            } else {
                self.out.expected.disclosure_in_time += 1;
                let wd = self.rng.gen_range(5..=16);
                self.add_working(received, wd)
            };
            let result = self.pick(&["予以公开", "予以公开", "部分公开", "信息不存在"]);
            let applicant = format!("{}某", self.pick(SURNAMES));
            self.push(
                RecordKind::DisclosureRequest,
                y,
                &[
                    ("received", ymd(received)),
                    ("applicant", applicant),
                    ("content", content),
                    ("extended", "否".into()),
                    ("replied", ymd(replied)),
                    ("result", result.into()),
                ],
            )?;
        }
        Ok(())
    }
}
