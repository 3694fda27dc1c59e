//! 重大行政决策 and 规范性文件: decisions with their procedure steps, documents with their filing.

use super::*;

impl Gen<'_> {
    pub(super) fn major_decisions(&mut self) -> Result<(), String> {
        let region = self.region().to_string();
        let service = self.words.service;
        let objects = self.words.objects;
        let y = self.year;
        let mut titles = vec![
            format!("{region}支持{objects}高质量发展的若干措施"),
            format!("{region}{service}便利化改革实施方案"),
            format!("{region}{y}—{}年{objects}发展规划", y + 2),
        ];
        if self.unit.area == Area::Science {
            titles.insert(0, format!("{region}促进科技成果转化若干措施"));
        }
        let n = if self.unit.level == RegionLevel::Township {
            1
        } else {
            self.rng.gen_range(1..=2)
        };
        for title in titles.into_iter().take(n) {
            let from = self.day_in(2, 6);
            let to = from + self.days(30, 40);
            let expert = self.after(to, 4, 10);
            let risk = self.after(expert, 3, 7);
            let sent = self.after(risk, 3, 7);
            let done = self.after(sent, 21, 30);
            let discussed = self.after(done, 3, 10);
            let published = self.after(discussed, 5, 15);
            let dissent = if self.rng.gen_bool(0.3) {
                "一名班子成员建议延长政策实施期限，会议记录在案"
            } else {
                "无"
            };
            let meeting = if self.unit.area == Area::Government {
                format!("{}政府常务会议", self.unit.lvl)
            } else {
                self.meeting().to_string()
            };
            self.tag(&["decision.awareness"]);
            let opinion = format!(
                "关于《{title}》的合法性审查意见\n\n{}：\n你单位于{}送审的《{title}》（草案）收悉。经审查，草案制定主体适格，内容符合{}等法律法规规定，程序符合《重大行政决策程序暂行条例》要求。建议对个别条款表述予以完善后提交集体讨论决定。\n\n{}司法局\n{}\n",
                self.unit.name,
                ymd(sent),
                self.words.law,
                if self.unit.level == RegionLevel::City { crate::CITY.to_string() } else { format!("{}{}", crate::CITY, self.unit.region_name) },
                ymd(done)
            );
            let record_title = self.push(
                RecordKind::MajorDecision,
                y,
                &[
                    ("title", title),
                    ("catalogued", "是".into()),
                    ("comment_from", ymd(from)),
                    ("comment_to", ymd(to)),
                    ("expert_date", ymd(expert)),
                    ("risk_date", ymd(risk)),
                    ("review_sent", ymd(sent)),
                    ("review_done", ymd(done)),
                    (
                        "review_opinion",
                        "草案内容合法，建议对个别条款表述予以完善".into(),
                    ),
                    ("discussed", ymd(discussed)),
                    ("meeting", meeting),
                    (
                        "leader_conclusion",
                        "在充分听取班子成员意见后，主要负责人最后发表意见，同意按程序公布实施"
                            .into(),
                    ),
                    ("dissent", dissent.into()),
                    ("published", ymd(published)),
                ],
            )?;
            self.attach(
                RecordKind::MajorDecision,
                y,
                &record_title,
                "合法性审查意见书.txt",
                opinion,
            );
        }
        Ok(())
    }

    /// 青科工规〔2025〕3号 and the like.
    pub(super) fn doc_number(&self, year: i32, n: usize) -> String {
        let region: String = self.region().chars().next().into_iter().collect();
        let short = self
            .unit
            .short_name
            .trim_start_matches(['市', '区', '县'])
            .trim_start_matches(self.region())
            .trim_end_matches("政府")
            .trim_end_matches(['局', '委', '办', '心'])
            .trim_end_matches("中");
        let short: String = short.chars().take(2).collect();
        let short = if short.is_empty() {
            "政".to_string()
        } else {
            short
        };
        format!("{region}{short}规〔{year}〕{n}号")
    }

    pub(super) fn normative_titles(&self) -> Vec<String> {
        let region = self.region();
        let service = self.words.service;
        let objects = self.words.objects;
        let mut t = vec![
            format!("《{region}{service}管理办法》"),
            format!("《{region}{objects}专项资金管理办法》"),
            format!("《{region}行政执法公示实施细则》"),
            format!("《{region}{objects}信用评价管理办法》"),
            format!("《{region}行政处罚裁量权基准》"),
        ];
        if self.unit.area == Area::Science {
            t.insert(0, format!("《{region}技术合同认定登记管理实施细则》"));
            t.insert(1, format!("《{region}科技型中小企业培育办法》"));
        }
        t
    }

    /// The steps of a normative document ending with its issue on `issued`.
    pub(super) fn normative_steps(
        &mut self,
        issued: NaiveDate,
        market: bool,
    ) -> Vec<(&'static str, String)> {
        let deliberated = self.before(issued, 5, 15);
        let fair = self.before(deliberated, 3, 8);
        let review = self.before(fair, 3, 10);
        let drafted = self.before(review, 20, 40);
        let mut out = vec![
            ("drafted", ymd(drafted)),
            ("review_done", ymd(review)),
            ("market", if market { "是" } else { "否" }.to_string()),
            ("deliberated", ymd(deliberated)),
            ("issued", ymd(issued)),
        ];
        if market {
            out.push(("fair_review", ymd(fair)));
        }
        out
    }

    pub(super) fn normative(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.scaled(2, 4);
        let titles = self.normative_titles();
        let late = if self.plants.contains(&Plant::FilingLate) {
            Some(self.rng.gen_range(0..n))
        } else {
            None
        };
        let mut issues: Vec<NaiveDate> = (0..n).map(|_| self.day_in(3, 10)).collect();
        issues.sort();
        for (i, issued) in issues.into_iter().enumerate() {
            let title = titles[i % titles.len()].clone();
            let market = self.rng.gen_bool(0.6);
            let mut fields: Vec<(&str, String)> = vec![
                ("title", title.clone()),
                ("doc_number", self.doc_number(y, i + 1)),
            ];
            fields.extend(self.normative_steps(issued, market));
            if market {
                self.tag(&["functions.business"]);
            }
            let filed = if late == Some(i) {
                let f = self.after(issued, 40, 55);
                self.plant("filing-late", RecordKind::Normative, y, &title);
                f
            } else {
                self.out.expected.normative_filed_in_time += 1;
                self.after(issued, 5, 20).min(issued + Duration::days(30))
            };
            let published = self.after(issued, 1, 5);
            fields.push(("filed", ymd(filed)));
            fields.push(("published", ymd(published)));
            fields.push((
                "valid_until",
                ymd(issued.checked_add_months(Months::new(60)).unwrap_or(issued)
                    - Duration::days(1)),
            ));
            if self.rng.gen_bool(0.3) {
                fields.push(("cleanup", "继续有效".into()));
            }
            self.push(RecordKind::Normative, y, &fields)?;
        }
        Ok(())
    }
}
