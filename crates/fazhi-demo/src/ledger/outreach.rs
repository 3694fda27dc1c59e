//! Work with the public: 普法 campaigns, 建议提案, 企业诉求 and 政务服务事项.

use super::*;

impl Gen<'_> {
    pub(super) fn popularization(&mut self) -> Result<(), String> {
        let y = self.year;
        let region = self.region().to_string();
        let activity = self.words.activity.trim_matches(['“', '”']).to_string();
        let objects = self.words.objects;
        let mut plan: Vec<(NaiveDate, &str, String, &str, bool)> = vec![
            (
                self.on(y, 12, 1, 4),
                "宪法宣传周",
                "宪法宣传周进企业".into(),
                "企业服务中心",
                true,
            ),
            (
                d(y, 4, 15),
                "全民国家安全教育日",
                "全民国家安全教育日主题宣传".into(),
                "人民广场",
                false,
            ),
            (
                self.on(y, 6, 5, 20),
                "安全生产月",
                format!("安全生产月“送法进{objects}”"),
                "工业园区",
                true,
            ),
            (
                self.on(y, 5, 8, 25),
                "民法典宣传月",
                "“美好生活·民法典相伴”主题宣传".into(),
                "社区广场",
                false,
            ),
            (
                self.on(y, 9, 5, 25),
                "其他",
                format!("“{activity}”法治宣传活动"),
                "便民服务大厅",
                false,
            ),
        ];
        if self.unit.area == Area::Science {
            plan.push((
                self.on(y, 5, 18, 24),
                "科技活动周",
                "科技活动周科技法律法规宣传".into(),
                "科技馆",
                true,
            ));
            plan.push((
                d(y, 4, self.rng.gen_range(20..=26)),
                "知识产权宣传周",
                "知识产权宣传周进园区".into(),
                "高新技术产业园区",
                true,
            ));
        }
        let n = self.scaled(4, plan.len()).min(plan.len());
        // The first four campaigns always, then a draw.
        let mut chosen: Vec<_> = plan.drain(..4.min(n)).collect();
        plan.shuffle(&mut self.rng);
        chosen.extend(plan.into_iter().take(n.saturating_sub(4)));
        chosen.sort_by_key(|c| c.0);
        for (date, campaign, theme, place, firms) in chosen {
            let audience: i64 = self.rng.gen_range(80..=600);
            let enterprises: i64 = if firms { self.rng.gen_range(8..=25) } else { 0 };
            let materials: i64 = self.rng.gen_range(3..=20) * 100;
            let mut fields = vec![
                ("date", ymd(date)),
                ("theme", theme),
                ("campaign", campaign.to_string()),
                ("place", format!("{region}{place}")),
                ("audience", audience.to_string()),
                ("materials", materials.to_string()),
                ("form", "现场宣讲、发放资料、有奖问答".to_string()),
            ];
            if firms {
                fields.push(("enterprises", enterprises.to_string()));
            }
            self.push(RecordKind::Popularization, y, &fields)?;
            let e = &mut self.out.expected;
            e.audience += audience;
            e.enterprises += enterprises;
            e.materials += materials;
        }
        Ok(())
    }

    fn suggestion_titles(&self) -> Vec<String> {
        let service = self.words.service;
        let objects = self.words.objects;
        let region = self.region();
        vec![
            format!("关于进一步优化{service}服务的建议"),
            format!("关于加大对{objects}扶持力度的建议"),
            format!("关于加强{objects}法治宣传教育的提案"),
            format!("关于推进{region}营商环境法治化的建议"),
            format!("关于完善{service}“一网通办”的提案"),
            format!("关于健全{objects}诉求快速响应机制的建议"),
        ]
    }

    pub(super) fn suggestions(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.scaled(3, 6);
        let titles = self.suggestion_titles();
        let late = self
            .plants
            .contains(&Plant::SuggestionLate)
            .then(|| self.rng.gen_range(0..n));
        let (mut npc, mut cppcc) = (0, 0);
        for i in 0..n {
            let title = titles[i % titles.len()].clone();
            let npc_kind = !title.ends_with("提案");
            let assigned = self.on(y, 3, 10, 31);
            let (number, proposer) = if npc_kind {
                npc += 1;
                (
                    format!("{y}年第{}号建议", 100 + npc * 7),
                    format!("{}代表", self.person()),
                )
            } else {
                cppcc += 1;
                (
                    format!("{y}年第{}号提案", 60 + cppcc * 5),
                    format!("{}委员", self.person()),
                )
            };
            let answered = if late == Some(i) {
                self.plant("suggestion-late", RecordKind::Suggestion, y, &title);
                self.after(assigned, 100, 115)
            } else {
                self.out.expected.suggestions_in_time += 1;
                self.after(assigned, 35, 75)
            };
            let satisfaction = if late == Some(i) {
                "基本满意"
            } else {
                self.pick(&["满意", "满意", "满意", "基本满意"])
            };
            self.push(
                RecordKind::Suggestion,
                y,
                &[
                    (
                        "category",
                        if npc_kind {
                            "人大代表建议"
                        } else {
                            "政协委员提案"
                        }
                        .into(),
                    ),
                    ("number", number),
                    ("title", title),
                    ("proposer", proposer),
                    ("assigned", ymd(assigned)),
                    ("answered", ymd(answered)),
                    ("satisfaction", satisfaction.into()),
                ],
            )?;
            if npc_kind {
                self.out.expected.npc_suggestions += 1;
            }
        }
        Ok(())
    }

    pub(super) fn enterprise_requests(&mut self) -> Result<(), String> {
        let y = self.year;
        let n = self.scaled(3, 7);
        let service = self.words.service;
        let contents = [
            format!("反映{service}材料多、时间长，希望精简申报材料"),
            format!("咨询{y}年度扶持政策的申报条件和兑现时间"),
            "反映企业融资难，希望协调银行开展银企对接".to_string(),
            "反映用工紧张，希望协助招聘技术工人".to_string(),
            "希望对新出台的地方标准开展政策解读".to_string(),
            "反映厂区周边道路破损影响货运，希望协调修复".to_string(),
        ];
        let mut days: Vec<NaiveDate> = (0..n).map(|_| self.day_in(1, 11)).collect();
        days.sort();
        for (i, received) in days.into_iter().enumerate() {
            let enterprise = self.enterprise();
            let due = received + Duration::days(15);
            let resolved = self.after(received, 3, 10).min(due);
            let channel = self.pick(&["走访", "座谈会", "热线", "网上诉求"]);
            self.push(
                RecordKind::EnterpriseRequest,
                y,
                &[
                    ("received", ymd(received)),
                    ("enterprise", enterprise),
                    ("content", contents[i % contents.len()].clone()),
                    ("channel", channel.into()),
                    ("due", ymd(due)),
                    ("resolved", ymd(resolved)),
                    (
                        "result",
                        "已答复企业并协调相关部门办理，企业表示满意".into(),
                    ),
                ],
            )?;
        }
        Ok(())
    }

    fn service_names(&self) -> Vec<(String, &'static str, &'static str)> {
        let service = self.words.service;
        let law = short_law(self.words.law);
        let mut v: Vec<(String, &'static str, &'static str)> = match self.unit.area {
            Area::Science => vec![
                ("技术合同认定登记".into(), "政务服务事项", "行政确认"),
                ("科技型中小企业评价".into(), "政务服务事项", "公共服务"),
                ("高新技术企业认定推荐".into(), "政务服务事项", "公共服务"),
                ("科技特派员申报".into(), "政务服务事项", "公共服务"),
                (
                    "工业企业技术改造项目备案".into(),
                    "政务服务事项",
                    "公共服务",
                ),
                (
                    "市级工程技术研究中心认定".into(),
                    "权责清单事项",
                    "行政确认",
                ),
                ("科技奖励".into(), "权责清单事项", "行政奖励"),
            ],
            Area::Education => vec![
                ("民办学校设立审批".into(), "权责清单事项", "行政许可"),
                ("教师资格认定".into(), "政务服务事项", "行政许可"),
                ("校外培训机构审批".into(), "权责清单事项", "行政许可"),
                ("学生资助".into(), "政务服务事项", "行政给付"),
            ],
            Area::Township => vec![
                ("社会救助申请受理".into(), "政务服务事项", "行政给付"),
                ("农村宅基地使用审批".into(), "权责清单事项", "行政许可"),
                ("乡村建设规划许可".into(), "权责清单事项", "行政许可"),
                ("计划生育家庭奖励扶助".into(), "政务服务事项", "行政给付"),
            ],
            _ => vec![],
        };
        v.push((service.to_string(), "政务服务事项", "公共服务"));
        v.push((format!("{law}行政检查"), "权责清单事项", "行政检查"));
        v.push((format!("违反{law}的行政处罚"), "权责清单事项", "行政处罚"));
        v.push(("政府信息公开申请办理".into(), "政务服务事项", "公共服务"));
        v
    }

    pub(super) fn service_items(&mut self) -> Result<(), String> {
        let y = self.year;
        let names = self.service_names();
        for (name, list, item_type) in names {
            let updated = self.day_in(1, 6);
            let handled: i64 = if item_type == "行政处罚" || item_type == "行政检查" {
                self.rng.gen_range(5..=60)
            } else {
                self.rng.gen_range(20..=800)
            };
            let chart = if self.rng.gen_bool(0.85) {
                "是"
            } else {
                "否"
            };
            self.push(
                RecordKind::ServiceItem,
                y,
                &[
                    ("name", name),
                    ("list", list.into()),
                    ("item_type", item_type.into()),
                    ("guide", "是".into()),
                    ("flow_chart", chart.into()),
                    ("updated", ymd(updated)),
                    ("handled", handled.to_string()),
                ],
            )?;
        }
        Ok(())
    }
}
