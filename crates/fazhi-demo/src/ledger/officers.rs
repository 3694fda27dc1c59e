//! 执法人员 and their 培训: certificates (some planted to expire) and the year's hours.

use super::*;

/// An officer as the training records name him: name and certificate number.
type Officer = (String, String);

impl Gen<'_> {
    pub(super) fn officers_and_training(&mut self) -> Result<(), String> {
        // Hours an officer needs in a year (`frameworks/rules.toml`), at least 24 here.
        let required = RuleSettings::default().training_hours.max(24);
        let (officers, short) = self.officers()?;
        self.training(&officers, short, required)
    }

    /// The unit's law enforcement officers (name, certificate number), certificates planted
    /// to have expired or to expire soon, and which officer (if any) is planted short of hours.
    fn officers(&mut self) -> Result<(Vec<Officer>, Option<usize>), String> {
        let y = self.year;
        let n = match (self.unit.area, self.unit.level) {
            (Area::Government | Area::RuleOfLawOffice | Area::Petitions, _) => {
                self.rng.gen_range(3..=5)
            }
            (_, RegionLevel::Township) => self.rng.gen_range(4..=8),
            _ => self.rng.gen_range(6..=12),
        };
        let authority = match self.unit.level {
            RegionLevel::Township => {
                let county = self.unit.name.split(self.unit.region_name.as_str()).next();
                format!("{}人民政府", county.unwrap_or(crate::CITY))
            }
            RegionLevel::County => format!("{}{}人民政府", crate::CITY, self.unit.region_name),
            _ => format!("{}人民政府", crate::CITY),
        };
        let posts = [
            "执法一科",
            "执法二科",
            "法制审核岗",
            "综合执法大队",
            "政策法规科",
        ];
        let mut officers: Vec<Officer> = Vec::new();
        let short = self
            .plants
            .contains(&Plant::TrainingShort)
            .then(|| self.rng.gen_range(0..n));
        let expired = self
            .plants
            .contains(&Plant::CertificateExpired)
            .then(|| (short.unwrap_or(0) + 1) % n);
        let expiring = self
            .plants
            .contains(&Plant::CertificateExpiring)
            .then(|| (short.unwrap_or(0) + 2) % n);
        for i in 0..n {
            let name = self.person();
            let cert = format!("{}{:03}", self.unit.code, 101 + i);
            let valid_until = if expired == Some(i) {
                self.today - self.days(15, 60)
            } else if expiring == Some(i) {
                self.today + self.days(12, 25)
            } else {
                self.today + self.days(300, 1500)
            };
            let post = self.pick(&posts);
            self.push(
                RecordKind::Officer,
                y,
                &[
                    ("name", name.clone()),
                    ("cert_no", cert.clone()),
                    ("authority", authority.clone()),
                    ("valid_until", ymd(valid_until)),
                    ("post", post.into()),
                ],
            )?;
            if expired == Some(i) {
                self.plant("certificate-expired", RecordKind::Officer, y, &name);
            }
            if expiring == Some(i) {
                self.plant("certificate-expiring", RecordKind::Officer, y, &name);
                self.due(RecordKind::Officer, y, &name, valid_until);
            }
            officers.push((name, cert));
        }

        Ok((officers, short))
    }

    /// The courses of the year, taken by every officer (the `short` one missing some);
    /// online study tops up the hours.
    fn training(
        &mut self,
        officers: &[Officer],
        short: Option<usize>,
        required: u32,
    ) -> Result<(), String> {
        let y = self.year;
        let law = short_law(self.words.law);
        let courses: Vec<(String, f64, String, NaiveDate)> = vec![
            (
                format!("{}行政执法人员公共法律知识培训", crate::CITY),
                24.0,
                format!("{}司法局", crate::CITY),
                self.day_in(4, 5),
            ),
            (
                "《中华人民共和国行政处罚法》专题培训".into(),
                8.0,
                self.unit.short_name.clone(),
                self.day_in(6, 7),
            ),
            (
                format!("{law}执法业务培训"),
                12.0,
                self.unit.short_name.clone(),
                self.day_in(8, 9),
            ),
            (
                "行政执法三项制度和执法文书制作培训".into(),
                6.0,
                self.unit.short_name.clone(),
                self.day_in(10, 11),
            ),
        ];
        for (k, (name, cert)) in officers.iter().enumerate() {
            // The required hours and up to 20 more; the short officer 6 to 24 fewer.
            let target: f64 = if short == Some(k) {
                f64::from(self.rng.gen_range(required - 24..=required - 6))
            } else {
                f64::from(self.rng.gen_range(required..=required + 20))
            };
            let mut total = 0.0;
            for (j, (topic, hours, organizer, date)) in courses.iter().enumerate() {
                // The short officer missed the second and fourth course.
                if short == Some(k) && j % 2 == 1 {
                    continue;
                }
                if total + hours > target {
                    break;
                }
                total += hours;
                self.push(
                    RecordKind::Training,
                    y,
                    &[
                        ("name", name.clone()),
                        ("cert_no", cert.clone()),
                        ("date", ymd(*date)),
                        ("topic", topic.clone()),
                        ("hours", format!("{hours}")),
                        ("organizer", organizer.clone()),
                    ],
                )?;
            }
            let online = target - total;
            if online > 0.0 {
                let date = self.on(y, 12, 10, 20);
                self.push(
                    RecordKind::Training,
                    y,
                    &[
                        ("name", name.clone()),
                        ("cert_no", cert.clone()),
                        ("date", ymd(date)),
                        ("topic", "网上学法（法宣在线）全年学习".into()),
                        ("hours", format!("{online}")),
                        ("organizer", format!("{}司法局", crate::CITY)),
                    ],
                )?;
                total += online;
            }
            self.out.expected.officer_hours.insert(name.clone(), total);
            if total < f64::from(required) {
                self.out.expected.short_officers.push(name.clone());
                self.plant("training-hours-short", RecordKind::Training, y, name);
            }
        }
        Ok(())
    }
}
