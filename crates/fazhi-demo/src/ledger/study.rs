//! 学法 sessions and 集体决策 meetings.

use super::*;

impl Gen<'_> {
    /// A 学法 session also answers the indicators of what it studied.
    pub(super) fn tag_study(&mut self, form: &str, laws: &[String]) {
        if form == "党组会学法" || form == "理论学习中心组学法" {
            self.tag(&["leadership.party"]);
        }
        let all = laws.join("");
        for (word, code) in [
            ("行政复议法", "disputes.reconsideration"),
            ("行政诉讼法", "disputes.litigation"),
            ("行政处罚法", "enforcement.procedure"),
            ("优化营商环境", "functions.business"),
            ("公平竞争审查", "functions.business"),
            ("重大行政决策", "decision.awareness"),
            ("政府信息公开", "oversight.disclosure"),
            ("安全生产法", "enforcement.key_areas"),
            ("数据安全法", "technology.data"),
        ] {
            if all.contains(word) {
                self.tag(&[code]);
            }
        }
    }

    pub(super) fn study_topics(&self) -> Vec<(String, Vec<String>)> {
        let law = self.words.law;
        let mut t: Vec<(String, Vec<String>)> = vec![
            (
                "学习习近平法治思想".into(),
                vec!["《习近平法治思想学习纲要》".into()],
            ),
            (
                "学习《中华人民共和国行政处罚法》".into(),
                vec!["《中华人民共和国行政处罚法》".into()],
            ),
            (
                "学习《中华人民共和国宪法》，弘扬宪法精神".into(),
                vec!["《中华人民共和国宪法》".into()],
            ),
            (
                "学习《优化营商环境条例》".into(),
                vec!["《优化营商环境条例》".into()],
            ),
            (
                "学习新修订的《中华人民共和国行政复议法》".into(),
                vec!["《中华人民共和国行政复议法》".into()],
            ),
            (
                "学习《公平竞争审查条例》".into(),
                vec!["《公平竞争审查条例》".into()],
            ),
            (
                "学习《重大行政决策程序暂行条例》".into(),
                vec!["《重大行政决策程序暂行条例》".into()],
            ),
            (
                "学习《中华人民共和国政府信息公开条例》".into(),
                vec!["《中华人民共和国政府信息公开条例》".into()],
            ),
            (
                "学习《中华人民共和国保守国家秘密法》".into(),
                vec!["《中华人民共和国保守国家秘密法》".into()],
            ),
            (
                "学习《中华人民共和国民法典》合同编".into(),
                vec!["《中华人民共和国民法典》".into()],
            ),
            (
                "学习《中华人民共和国安全生产法》".into(),
                vec!["《中华人民共和国安全生产法》".into()],
            ),
            (
                "学习《中华人民共和国数据安全法》和《中华人民共和国个人信息保护法》".into(),
                vec![
                    "《中华人民共和国数据安全法》".into(),
                    "《中华人民共和国个人信息保护法》".into(),
                ],
            ),
            (
                "学习《党政主要负责人履行推进法治建设第一责任人职责规定》".into(),
                vec!["《党政主要负责人履行推进法治建设第一责任人职责规定》".into()],
            ),
            (format!("学习{law}"), vec![law.to_string()]),
            (
                format!("以案学法：{}典型案例", short_law(law)),
                vec![law.to_string()],
            ),
        ];
        if self.unit.area == Area::Science {
            t.push((
                "学习《中华人民共和国促进科技成果转化法》".into(),
                vec!["《中华人民共和国促进科技成果转化法》".into()],
            ));
            t.push((
                "学习《技术合同认定登记管理办法》".into(),
                vec!["《技术合同认定登记管理办法》".into()],
            ));
        }
        t
    }

    pub(super) fn study(&mut self) -> Result<(), String> {
        // Sessions of the year by form: 党组会学法 most months, the centre group quarterly.
        let party = self.scaled(5, 9);
        let centre = self.rng.gen_range(2..=4);
        let group = self.rng.gen_range(1..=2);
        let lecture = self.rng.gen_range(1..=2);
        let court = self.rng.gen_bool(0.6);
        let mut topics = self.study_topics();
        topics.shuffle(&mut self.rng);
        let mut sessions: Vec<(NaiveDate, &str, String, Vec<String>)> = Vec::new();
        let mut next = 0;
        let mut topic = || {
            let t = topics[next % topics.len()].clone();
            next += 1;
            t
        };
        let mut months: Vec<u32> = (1..=12).collect();
        months.shuffle(&mut self.rng);
        let mut party_months: Vec<u32> = months.iter().copied().take(party).collect();
        party_months.sort();
        for m in party_months {
            let date = self.day_in(m, m);
            let (t, laws) = topic();
            sessions.push((date, "党组会学法", t, laws));
        }
        for q in 0..centre {
            let m = 3 * (q as u32) + self.rng.gen_range(1..=3);
            let date = self.day_in(m.min(12), m.min(12));
            let (t, laws) = topic();
            let t = format!("理论学习中心组专题{}", t.trim_start_matches("学习"));
            sessions.push((date, "理论学习中心组学法", t, laws));
        }
        for _ in 0..group {
            let date = self.day_in(3, 11);
            let (t, laws) = topic();
            sessions.push((date, "集中学法", format!("全体干部职工集中{t}"), laws));
        }
        for _ in 0..lecture {
            let date = self.day_in(4, 11);
            let (t, laws) = topic();
            let t = format!("邀请法律顾问开展专题讲座：{}", t.trim_start_matches("学习"));
            sessions.push((date, "专题讲座", t, laws));
        }
        if court {
            let date = self.day_in(5, 11);
            sessions.push((
                date,
                "旁听庭审",
                "组织旁听行政诉讼案件庭审".into(),
                vec!["《中华人民共和国行政诉讼法》".into()],
            ));
        }
        sessions.sort_by_key(|s| s.0);
        for (date, form, topic, laws) in sessions {
            let (attendees, hours) = match form {
                "党组会学法" => (self.rng.gen_range(7..=11), "1"),
                "理论学习中心组学法" => (self.rng.gen_range(10..=18), "2"),
                "集中学法" => (self.rng.gen_range(30..=120), "2"),
                "专题讲座" => (self.rng.gen_range(40..=150), "2.5"),
                _ => (self.rng.gen_range(10..=30), "3"),
            };
            let leader = form != "旁听庭审" || self.rng.gen_bool(0.5);
            let leader = leader && self.rng.gen_range(0..10) > 0;
            let year = self.year;
            self.tag_study(form, &laws);
            let title = self.push(
                RecordKind::Study,
                year,
                &[
                    ("date", ymd(date)),
                    ("form", form.into()),
                    ("topic", topic.clone()),
                    ("laws", laws.join("、")),
                    ("attendees", attendees.to_string()),
                    ("leader_present", if leader { "是" } else { "否" }.into()),
                    ("hours", hours.into()),
                ],
            )?;
            if matches!(form, "集中学法" | "专题讲座") && !self.has_attachment(RecordKind::Study)
            {
                let mut sheet = format!(
                    "{}学法签到表\n日期：{}\n形式：{form}\n主题：{topic}\n学时：{hours}\n\n序号\t姓名\t签到\n",
                    self.unit.name,
                    ymd(date)
                );
                for k in 1..=attendees.min(20) {
                    let name = self.person();
                    sheet.push_str(&format!("{k}\t{name}\t已到\n"));
                }
                if attendees > 20 {
                    sheet.push_str(&format!("（共 {attendees} 人，余略）\n"));
                }
                self.attach(RecordKind::Study, year, &title, "学法签到表.txt", sheet);
            }
            let e = &mut self.out.expected;
            *e.study_forms.entry(form.to_string()).or_default() += 1;
            if leader {
                e.study_with_leader += 1;
            }
        }
        Ok(())
    }

    pub(super) fn meeting(&self) -> &'static str {
        match self.unit.area {
            Area::Government => "常务会议",
            Area::Township => "班子会议",
            _ => "局（委）务会议",
        }
    }

    pub(super) fn collective(&mut self) -> Result<(), String> {
        let y = self.year;
        let service = self.words.service;
        let objects = self.words.objects;
        let items: Vec<(String, &str)> = vec![
            (format!("研究审议{y}年度法治政府建设工作要点"), "重大决策"),
            (format!("研究{y}年度重大行政决策事项目录"), "重大决策"),
            (
                format!("审议{y}年度部门预算执行情况和{}年预算编制", y + 1),
                "大额资金使用",
            ),
            (format!("研究{objects}专项资金分配方案"), "大额资金使用"),
            ("研究干部任免和职级晋升事项".into(), "重要干部任免"),
            (format!("研究{y}年度重点项目安排"), "重大项目安排"),
            (format!("研究{service}工作改进方案"), "重大决策"),
            (
                format!("听取{}年法治政府建设情况报告并研究整改措施", y - 1),
                "其他",
            ),
            ("研究政府采购项目实施方案".into(), "大额资金使用"),
            (format!("研究{objects}帮扶工作方案"), "其他"),
        ];
        let n = self.scaled(6, 10).min(items.len());
        let mut chosen: Vec<(String, &str)> =
            items.choose_multiple(&mut self.rng, n).cloned().collect();
        let mut dates: Vec<NaiveDate> = (0..n).map(|_| self.day_in(1, 12)).collect();
        dates.sort();
        chosen.shuffle(&mut self.rng);
        let meeting = self.meeting();
        for (date, (matters, category)) in dates.into_iter().zip(chosen) {
            let meeting = if self.rng.gen_bool(0.4) && self.unit.area != Area::Government {
                "党组会议"
            } else {
                meeting
            };
            let outcome = self.pick(&[
                "审议通过",
                "原则通过，按会议意见修改完善后印发",
                "同意，由分管负责人牵头组织实施",
            ]);
            self.push(
                RecordKind::Collective,
                y,
                &[
                    ("date", ymd(date)),
                    ("meeting", meeting.into()),
                    ("matters", matters),
                    ("category", category.into()),
                    (
                        "participants",
                        "主要负责人、班子成员、法制机构负责人、相关科室负责人".into(),
                    ),
                    ("outcome", outcome.into()),
                ],
            )?;
        }
        Ok(())
    }
}
