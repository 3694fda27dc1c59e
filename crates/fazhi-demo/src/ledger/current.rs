//! The few records of `today`'s year, the open ones due soon.

use super::*;

impl Gen<'_> {
    /// A 依申请公开 request of `today`'s year, not replied yet.
    fn open_request(
        &mut self,
        received: NaiveDate,
        applicant: &str,
        content: &str,
    ) -> Result<(), String> {
        self.push(
            RecordKind::DisclosureRequest,
            self.today.year(),
            &[
                ("received", ymd(received)),
                ("applicant", applicant.into()),
                ("content", content.into()),
                ("extended", "否".into()),
            ],
        )?;
        Ok(())
    }

    /// A few records of `today`'s year, the open ones due soon.
    pub(super) fn current_year(
        &mut self,
        latest: Option<&[(String, String)]>,
    ) -> Result<(), String> {
        self.current_study()?;
        self.current_suggestion()?;
        self.current_disclosure()?;
        self.current_normative()?;
        self.current_enterprise_request()?;
        self.current_rectification(latest)
    }

    /// Whether `x` is in `today`'s year, before `today`.
    fn in_current_year(&self, x: NaiveDate) -> bool {
        x >= d(self.today.year(), 1, 1) && x < self.today
    }

    /// 学法 sessions of the last weeks.
    fn current_study(&mut self) -> Result<(), String> {
        let today = self.today;
        let c = self.today.year();
        let mut topics = self.study_topics();
        topics.shuffle(&mut self.rng);
        for (k, back) in [75i64, 40, 12].into_iter().enumerate() {
            let date = self.workday_back(today - Duration::days(back));
            if !self.in_current_year(date) {
                continue;
            }
            let (topic, laws) = topics[k % topics.len()].clone();
            let form = if k == 1 {
                "理论学习中心组学法"
            } else {
                "党组会学法"
            };
            let attendees = self.rng.gen_range(7..=15);
            self.tag_study(form, &laws);
            self.push(
                RecordKind::Study,
                c,
                &[
                    ("date", ymd(date)),
                    ("form", form.into()),
                    ("topic", topic),
                    ("laws", laws.join("、")),
                    ("attendees", attendees.to_string()),
                    ("leader_present", "是".into()),
                    ("hours", "1".into()),
                ],
            )?;
        }
        Ok(())
    }

    /// A suggestion assigned not quite three months ago, not answered yet.
    fn current_suggestion(&mut self) -> Result<(), String> {
        let today = self.today;
        let c = self.today.year();
        let due = today + self.days(6, 20);
        if let Some(assigned) = due
            .checked_sub_months(Months::new(3))
            .filter(|a| self.in_current_year(*a))
        {
            let title = format!(
                "关于{}{}的建议",
                self.pick(&["加快推进", "进一步完善"]),
                self.words.service
            );
            let proposer = format!("{}代表", self.person());
            let number = format!("{c}年第{}号建议", self.rng.gen_range(150..=260));
            self.push(
                RecordKind::Suggestion,
                c,
                &[
                    ("category", "人大代表建议".into()),
                    ("number", number),
                    ("title", title.clone()),
                    ("proposer", proposer),
                    ("assigned", ymd(assigned)),
                ],
            )?;
            let due = assigned
                .checked_add_months(Months::new(3))
                .unwrap_or(assigned);
            self.due(RecordKind::Suggestion, c, &title, due);
        }
        Ok(())
    }

    /// A 依申请公开 request within its period, and (planted) one past it.
    fn current_disclosure(&mut self) -> Result<(), String> {
        let today = self.today;
        let c = self.today.year();
        let n = self.rng.gen_range(5..=9);
        let received = self.sub_working(today, n);
        if self.in_current_year(received) {
            let content = format!("{}（{c}年）", self.disclosure_content(c));
            self.open_request(received, "周某", &content)?;
            let due = self.add_working(received, 20);
            self.due(RecordKind::DisclosureRequest, c, &content, due);
        }
        if self.plants.contains(&Plant::DisclosureOverdue) {
            let n = self.rng.gen_range(26..=32);
            let received = self.sub_working(today, n);
            if self.in_current_year(received) {
                let content = format!("申请公开{c}年度行政执法统计数据");
                self.open_request(received, "吴某", &content)?;
                self.plant(
                    "disclosure-overdue",
                    RecordKind::DisclosureRequest,
                    c,
                    &content,
                );
            }
        }
        Ok(())
    }

    /// A normative document issued lately, its filing still open.
    fn current_normative(&mut self) -> Result<(), String> {
        let today = self.today;
        let c = self.today.year();
        let issued = self.before(today, 6, 14);
        let drafted_guess = issued - Duration::days(90);
        if self.in_current_year(drafted_guess) {
            let titles = self.normative_titles();
            let title = titles[titles.len() - 1].clone();
            let mut fields: Vec<(&str, String)> = vec![
                ("title", title.clone()),
                ("doc_number", self.doc_number(c, 1)),
            ];
            fields.extend(self.normative_steps(issued, true));
            self.push(RecordKind::Normative, c, &fields)?;
            self.due(
                RecordKind::Normative,
                c,
                &title,
                issued + Duration::days(30),
            );
        }
        Ok(())
    }

    /// An enterprise's request being handled.
    fn current_enterprise_request(&mut self) -> Result<(), String> {
        let today = self.today;
        let c = self.today.year();
        let received = self.before(today, 2, 6);
        if self.in_current_year(received) {
            let enterprise = self.enterprise();
            let content = format!("反映{}办理中遇到的问题，希望加快办理", self.words.service);
            let due = received + Duration::days(15);
            self.push(
                RecordKind::EnterpriseRequest,
                c,
                &[
                    ("received", ymd(received)),
                    ("enterprise", enterprise),
                    ("content", content.clone()),
                    ("channel", "走访".into()),
                    ("due", ymd(due)),
                ],
            )?;
            self.due(RecordKind::EnterpriseRequest, c, &content, due);
        }
        Ok(())
    }

    /// Rectification of the last report's problems: one due soon.
    fn current_rectification(&mut self, latest: Option<&[(String, String)]>) -> Result<(), String> {
        let today = self.today;
        let c = self.today.year();
        if let Some((problem, plan, source)) = self.shortcomings(latest, 1).into_iter().next() {
            let deadline = today + self.days(10, 25);
            let mut fields = vec![
                ("shortcoming", problem.clone()),
                ("source", source.to_string()),
                ("actions", plan),
                ("responsible", "政策法规科".to_string()),
                ("deadline", ymd(deadline)),
                ("status", "整改中".to_string()),
            ];
            if source == FROM_REPORT {
                // `latest` is the report of the ledger year.
                fields.push(("source_year", self.year.to_string()));
            }
            self.push(RecordKind::Rectification, c, &fields)?;
            self.due(RecordKind::Rectification, c, &problem, deadline);
        }
        Ok(())
    }
}
