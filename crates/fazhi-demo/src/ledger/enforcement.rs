//! 执法检查, 复议应诉 and 整改 (the problems of the unit's report taken up).

use super::*;

impl Gen<'_> {
    pub(super) fn inspections(&mut self) -> Result<(), String> {
        let y = self.year;
        let objects = self.words.objects;
        let law = short_law(self.words.law);
        let n = self.scaled(4, 8);
        let mut days: Vec<NaiveDate> = (0..n).map(|_| self.day_in(2, 12)).collect();
        days.sort();
        for (i, date) in days.into_iter().enumerate() {
            let (category, subject, result, review) = match i % 4 {
                0 => (
                    "执法检查",
                    format!("{objects}安全生产督导检查"),
                    format!(
                        "检查{}家，发现问题{}处，已督促整改到位",
                        self.rng.gen_range(8..=30),
                        self.rng.gen_range(3..=15)
                    ),
                    false,
                ),
                1 => (
                    "执法检查",
                    format!("“双随机、一公开”抽查（{objects}）"),
                    format!(
                        "随机抽取{}家，未发现违法行为{}家",
                        self.rng.gen_range(5..=15),
                        self.rng.gen_range(3..=5)
                    ),
                    false,
                ),
                2 => {
                    let who = self.enterprise();
                    (
                        "行政处罚案件",
                        format!("{who}违反{law}案"),
                        format!("责令改正，罚款{}元", self.rng.gen_range(1..=10) * 5000),
                        true,
                    )
                }
                _ => (
                    "行政检查案件",
                    format!("{objects}专项检查"),
                    "发现问题已书面告知并限期整改".to_string(),
                    false,
                ),
            };
            match i % 4 {
                0 => self.tag(&["enforcement.key_areas"]),
                1 => self.tag(&["enforcement.methods", "technology.supervision"]),
                _ => {}
            }
            self.push(
                RecordKind::Inspection,
                y,
                &[
                    ("date", ymd(date)),
                    ("category", category.into()),
                    ("subject", subject),
                    ("result", result),
                    ("publicized", "是".into()),
                    ("recorded", "是".into()),
                    ("legal_review", if review { "是" } else { "否" }.into()),
                ],
            )?;
        }
        Ok(())
    }

    pub(super) fn review_cases(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.rng.gen_range(1..=2);
        for i in 0..n {
            let litigation = i == 1 || self.rng.gen_bool(0.4);
            let received = self.day_in(2, 8);
            let decided = self.after(received, 30, 55);
            let own_short = &self.unit.short_name;
            let (category, case_no, subject, outcome) = if litigation {
                (
                    "行政应诉",
                    format!(
                        "（{y}）青{:02}行初{}号",
                        self.rng.gen_range(1..=9),
                        self.rng.gen_range(10..=99)
                    ),
                    format!("原告诉{own_short}政府信息公开答复案"),
                    self.pick(&["驳回", "驳回", "维持"]),
                )
            } else {
                (
                    "行政复议",
                    format!("青复决字〔{y}〕{}号", self.rng.gen_range(10..=120)),
                    format!("申请人不服{own_short}行政处罚决定申请复议案"),
                    self.pick(&["维持", "维持", "驳回", "调解和解"]),
                )
            };
            let mut fields = vec![
                ("category", category.to_string()),
                ("case_no", case_no),
                ("received", ymd(received)),
                ("subject", subject),
                ("decided", ymd(decided)),
                ("outcome", outcome.to_string()),
            ];
            if litigation {
                fields.push(("leader_appeared", "是".into()));
                self.out.expected.litigation += 1;
                self.out.expected.leader_appeared += 1;
            }
            self.push(RecordKind::ReviewCase, y, &fields)?;
        }
        Ok(())
    }

    /// The problems the rectification records take up, each with the plan that answers it and
    /// its source: those of the unit's `report` when it states any, else `n` drawn from the
    /// phrase book (found in 自查).
    pub(super) fn shortcomings(
        &mut self,
        report: Option<&[(String, String)]>,
        n: usize,
    ) -> Vec<(String, String, &'static str)> {
        match report {
            Some(p) if !p.is_empty() => p
                .iter()
                .map(|(problem, plan)| (problem.clone(), plan.clone(), FROM_REPORT))
                .collect(),
            _ => phrases::SHORTCOMINGS
                .choose_multiple(&mut self.rng, n)
                .map(|s| (s.problem.to_string(), s.plan.to_string(), "自查"))
                .collect(),
        }
    }

    pub(super) fn rectifications(
        &mut self,
        prior: Option<&[(String, String)]>,
    ) -> Result<(), String> {
        let y = self.year;
        let items = self.shortcomings(prior, 2);
        let overdue = self
            .plants
            .contains(&Plant::RectificationOverdue)
            .then(|| self.rng.gen_range(0..items.len()));
        for (i, (problem, plan, source)) in items.into_iter().enumerate() {
            let responsible = self.pick(&["政策法规科", "办公室", "法制审核科", "执法监督科"]);
            let mut fields = vec![
                ("shortcoming", problem.clone()),
                ("source", source.to_string()),
                (
                    "actions",
                    format!("{plan}；明确责任科室，每季度调度整改进展"),
                ),
                ("responsible", responsible.to_string()),
            ];
            if source == FROM_REPORT {
                fields.push(("source_year", (y - 1).to_string()));
            }
            let late = overdue == Some(i);
            if late {
                fields.push(("deadline", ymd(d(y, 9, 30))));
                fields.push(("status", "整改中".into()));
            } else {
                let deadline = if self.rng.gen_bool(0.5) {
                    d(y, 6, 30)
                } else {
                    d(y, 12, 31)
                };
                let completed = self.before(deadline, 5, 60);
                fields.push(("deadline", ymd(deadline)));
                fields.push(("status", "已完成".into()));
                fields.push(("completed", ymd(completed)));
                self.out.expected.rectifications_done += 1;
            }
            let title = self.push(RecordKind::Rectification, y, &fields)?;
            if late {
                self.plant(
                    "rectification-overdue",
                    RecordKind::Rectification,
                    y,
                    &title,
                );
            }
        }
        Ok(())
    }
}
