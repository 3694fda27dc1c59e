//! The reporting cycle ([`CycleStore`]): reports, their versions, the steps between states and
//! the 保密审查. The store decides nothing of the law (the caller asked
//! `fazhi_domain::cycle::check_step`); it writes each step in one transaction with its history
//! row, its audit entry and its status row, and refuses a step whose report changed since the
//! caller read it ([`StoreError::Conflict`]).

use crate::prelude::*;
use crate::uploads::insert_upload;
use crate::{cycle_board, cycle_org, CycleStore, NewReview, StepWrite, VersionPlan};
use crate::{Board, BoardQuery, NotificationId};
use fazhi_domain::cycle::DeadlineSetting;
use fazhi_domain::Role;

/// The message of a step refused because the report changed since it was read.
pub(crate) fn stale(now: Option<ReportState>) -> StoreError {
    StoreError::Conflict(match now {
        Some(s) => format!("报告状态已变化（现为“{}”），请刷新后重试", s.label()),
        None => "报告状态已变化（尚未建立报告），请刷新后重试".into(),
    })
}

/// Writes one row of a report's history; answers its id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_event(
    c: &mut DbConn,
    actor: &Actor,
    report: ReportId,
    step: Step,
    from: Option<ReportState>,
    to: ReportState,
    version: Option<VersionId>,
    at: Timestamp,
    comment: Option<&str>,
) -> StoreResult<i64> {
    query_scalar(
        "INSERT INTO report_events (report_id, step, from_state, to_state, version_id, actor_id, \
         actor_login, at, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(report)
    .bind(step.key())
    .bind(from.map(ReportState::key))
    .bind(to.key())
    .bind(version)
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(at)
    .bind(comment)
    .fetch_one(&mut *c)
    .await
    .map_err(db)
}

/// Records a 保密审查 of `version`; answers its id.
async fn insert_review(
    c: &mut DbConn,
    actor: &Actor,
    report: ReportId,
    version: VersionId,
    review: &NewReview,
    at: Timestamp,
) -> StoreResult<i64> {
    let reason = match &review.conclusion {
        Confidentiality::Publishable => None,
        Confidentiality::NotPublishable(r) => Some(r.as_str()),
    };
    query_scalar(
        "INSERT INTO confidentiality_reviews (report_id, version_id, reviewer, reviewed_on, \
         conclusion, reason, recorded_by_login, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(report)
    .bind(version)
    .bind(review.reviewer.trim())
    .bind(review.reviewed_on)
    .bind(review.conclusion.key())
    .bind(reason)
    .bind(&actor.login)
    .bind(at)
    .fetch_one(&mut *c)
    .await
    .map_err(db)
}

/// Inserts messages, skipping those already written (the dedup key).
pub(crate) async fn insert_notifications(
    c: &mut DbConn,
    items: &[NewNotification],
    at: Timestamp,
) -> StoreResult<u64> {
    let mut written = 0;
    for chunk in items.chunks(BATCH_ROWS) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO notifications (user_id, kind, unit_id, report_id, year, dedup, message, \
             link, created_at) ",
        );
        qb.push_values(chunk, |mut b, n| {
            b.push_bind(n.user_id)
                .push_bind(n.kind.clone())
                .push_bind(n.unit_id)
                .push_bind(n.report_id)
                .push_bind(n.year)
                .push_bind(n.dedup.clone())
                .push_bind(n.message.clone())
                .push_bind(n.link.clone())
                .push_bind(at);
        });
        qb.push(" ON CONFLICT (user_id, kind, unit_id, year, dedup) DO NOTHING");
        written += qb
            .build()
            .execute(&mut *c)
            .await
            .map_err(db)?
            .rows_affected();
    }
    Ok(written)
}

/// The report of (unit, year), locked for the transaction's change.
async fn report_of_unit_year(
    c: &mut DbConn,
    unit: UnitId,
    year: i32,
) -> StoreResult<Option<CycleReport>> {
    let sql = format!(
        "SELECT {REPORT_COLS} FROM reports r WHERE r.unit_id = $1 AND r.year = $2{}",
        c.lock_row()
    );
    query(&sql)
        .bind(unit)
        .bind(year)
        .fetch_optional_mapped(&mut *c, report_row)
        .await
}

/// The plan of an upload added without one ([`ReportStore::create_upload`]): a version of the
/// report in whatever state it is, when that state takes versions
/// (`fazhi_domain::cycle::Step::AddVersion`); refused in any other.
pub(crate) async fn plan_for_upload(
    c: &mut DbConn,
    unit: UnitId,
    year: i32,
) -> StoreResult<VersionPlan> {
    let state: Option<String> =
        query_scalar("SELECT state FROM reports WHERE unit_id = $1 AND year = $2")
            .bind(unit)
            .bind(year)
            .fetch_optional(&mut *c)
            .await
            .map_err(db)?;
    let state = state.map(|s| state_from_key(&s)).transpose()?;
    match state {
        Some(s) if !Step::AddVersion.from_states().contains(&s) => {
            Err(StoreError::Conflict(format!(
                "报告当前为“{}”，不能{}",
                s.label(),
                Step::AddVersion.label()
            )))
        }
        _ => Ok(VersionPlan::add(state)),
    }
}

/// Inside the transaction that stored `upload`: makes it a version of its (unit, year)
/// report as `plan` says (creating the report in `draft` when there is none). Answers the
/// report after the change and its audit entry.
pub(crate) async fn add_version(
    c: &mut DbConn,
    actor: &Actor,
    upload: &UploadSummary,
    plan: &VersionPlan,
    place: Placement,
) -> StoreResult<(CycleReport, Change)> {
    let at = now();
    let before = report_of_unit_year(c, upload.unit_id, upload.year).await?;
    if before.as_ref().map(|r| r.state) != plan.expected {
        return Err(stale(before.map(|r| r.state)));
    }
    let (id, versions) = match &before {
        Some(r) => (r.id, r.versions),
        None => {
            let id: i64 = query_scalar(
                "INSERT INTO reports (unit_id, year, state, versions, updated_at, revision) \
                 VALUES ($1, $2, 'draft', 0, $3, 0) RETURNING id",
            )
            .bind(upload.unit_id)
            .bind(upload.year)
            .bind(at)
            .fetch_one(&mut *c)
            .await
            // Another writer created it since the read above.
            .map_err(|e| match unique_or(e, String::new) {
                StoreError::Conflict(_) => stale(Some(ReportState::Draft)),
                e => e,
            })?;
            (ReportId(id), 0)
        }
    };
    let correction = plan.correction.as_ref();
    let version: i64 = query_scalar(
        "INSERT INTO report_versions (report_id, n, upload_id, created_at, created_by, \
         created_by_login, published_at, correction_note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id)
    .bind(versions + 1)
    .bind(upload.id)
    .bind(at)
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(correction.map(|_| at))
    .bind(correction.map(|c| c.note.trim()))
    .fetch_one(&mut *c)
    .await
    .map_err(db)?;
    let version = VersionId(version);
    if let Some(corr) = correction {
        // The versions published so far stay visible, superseded by the correction.
        query(
            "UPDATE report_versions SET superseded_at = $1 WHERE report_id = $2 AND id <> $3 \
             AND published_at IS NOT NULL AND superseded_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .bind(version)
        .execute(&mut *c)
        .await
        .map_err(db)?;
        insert_review(c, actor, id, version, &corr.review, at).await?;
    }
    // A correction keeps the first publication's time (the deadline counted that one).
    let done = query(
        "UPDATE reports SET state = $1, current_version_id = $2, versions = $3, score = $4, \
         errors = $5, warnings = $6, infos = $7, updated_at = $8, \
         published_at = CASE WHEN $9 THEN COALESCE(published_at, $8) ELSE published_at END, \
         revision = revision + 1 WHERE id = $10 AND revision = $11",
    )
    .bind(plan.to.key())
    .bind(version)
    .bind(versions + 1)
    .bind(upload.score)
    .bind(upload.errors)
    .bind(upload.warnings)
    .bind(upload.infos)
    .bind(at)
    .bind(correction.is_some())
    .bind(id)
    .bind(before.as_ref().map_or(0, |r| r.revision))
    .execute(&mut *c)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(stale(before.map(|r| r.state)));
    }
    let step = if correction.is_some() {
        Step::Correct
    } else {
        Step::AddVersion
    };
    insert_event(
        c,
        actor,
        id,
        step,
        before.as_ref().map(|r| r.state),
        plan.to,
        Some(version),
        at,
        correction.map(|c| c.note.trim()),
    )
    .await?;
    let after = fetch_report(c, id, false)
        .await?
        .ok_or(StoreError::NotFound("报告"))?;
    let action = if correction.is_some() {
        "report.correct"
    } else {
        "report.add_version"
    };
    let mut change = Change::new(action, "report", Some(id.0), place).after(to_json(&after));
    if let Some(b) = &before {
        change = change.before(to_json(b));
    }
    Ok((after, change))
}

/// The audit JSON of a report after a step: the status row, with the step's comment and how
/// many comments came with it.
fn step_json(report: &CycleReport, w: &StepWrite) -> Value {
    let mut v = to_json(report);
    if let Value::Object(m) = &mut v {
        m.insert("comment".into(), json!(w.comment));
        m.insert("comments".into(), json!(w.comments.len()));
    }
    v
}

/// Records a 保密审查 inside the transaction `c`: of `version`, or of the current version when
/// `None`; refused with [`StoreError::Conflict`] when `expected` is given and the report is no
/// longer in it. Answers the review and its audit entry.
async fn write_review(
    c: &mut DbConn,
    actor: &Actor,
    report: ReportId,
    expected: Option<ReportState>,
    version: Option<VersionId>,
    review: &NewReview,
    at: Timestamp,
) -> StoreResult<(ConfidentialityReview, Change)> {
    if review.reviewer.trim().is_empty() {
        return Err(StoreError::Invalid("请填写保密审查人".into()));
    }
    if matches!(&review.conclusion, Confidentiality::NotPublishable(r) if r.trim().is_empty()) {
        return Err(StoreError::Invalid("请填写不予公开的理由".into()));
    }
    let before = fetch_report(&mut *c, report, true)
        .await?
        .ok_or(StoreError::NotFound("报告"))?;
    if expected.is_some_and(|e| e != before.state) {
        return Err(stale(Some(before.state)));
    }
    let version = version
        .or(before.current_version)
        .ok_or_else(|| StoreError::Invalid("报告还没有任何版本".into()))?;
    let of_report: Option<i64> =
        query_scalar("SELECT report_id FROM report_versions WHERE id = $1")
            .bind(version)
            .fetch_optional(&mut *c)
            .await
            .map_err(db)?;
    if of_report != Some(report.0) {
        return Err(StoreError::NotFound("报告版本"));
    }
    let id = insert_review(c, actor, report, version, review, at).await?;
    let comment = match &review.conclusion {
        Confidentiality::Publishable => review.conclusion.label().to_string(),
        Confidentiality::NotPublishable(r) => {
            format!("{}：{}", review.conclusion.label(), r.trim())
        }
    };
    insert_event(
        c,
        actor,
        report,
        Step::ReviewConfidentiality,
        Some(before.state),
        before.state,
        Some(version),
        at,
        Some(&comment),
    )
    .await?;
    // The review changes what may follow (publication), so it counts as a write.
    query("UPDATE reports SET updated_at = $1, revision = revision + 1 WHERE id = $2")
        .bind(at)
        .bind(report)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    let sql = format!("SELECT {REVIEW_COLS} FROM confidentiality_reviews WHERE id = $1");
    let saved = fetch_by_id(&mut *c, &sql, id, review_row)
        .await?
        .ok_or(StoreError::NotFound("保密审查"))?;
    let place = unit_placement(&mut *c, before.unit_id)
        .await?
        .unwrap_or_default();
    let change =
        Change::new("report.review", "report", Some(report.0), place).after(to_json(&saved));
    Ok((saved, change))
}

/// Writes one step inside the transaction `c` (see [`CycleStore::take_step`]); answers the
/// report after it and its audit entry.
async fn write_step(
    c: &mut DbConn,
    actor: &Actor,
    w: &StepWrite,
) -> StoreResult<(CycleReport, Change)> {
    match (w.step, &w.review) {
        (Step::AddVersion | Step::Correct, _) => {
            return Err(StoreError::Invalid(format!(
                "“{}”随上传的新版本写入，不是单独的步骤",
                w.step.label()
            )))
        }
        (Step::ReviewConfidentiality, Some(review)) => {
            let (_, change) =
                write_review(c, actor, w.report, Some(w.expected), None, review, w.at).await?;
            let after = fetch_report(&mut *c, w.report, false)
                .await?
                .ok_or(StoreError::NotFound("报告"))?;
            return Ok((after, change));
        }
        (Step::ReviewConfidentiality, None) => {
            return Err(StoreError::Invalid(
                "保密审查须写明审查人、日期和结论".into(),
            ))
        }
        _ => {}
    }
    let before = fetch_report(&mut *c, w.report, true)
        .await?
        .ok_or(StoreError::NotFound("报告"))?;
    if before.state != w.expected {
        return Err(stale(Some(before.state)));
    }
    // A re-submission after a return keeps the first submission's time and flag, and a
    // publication the first publication's: each deadline is measured on the first.
    let stamp = match w.step {
        Step::Submit => Some("submitted"),
        Step::Publish => Some("published"),
        _ => None,
    };
    let mut qb = QueryBuilder::new("UPDATE reports SET state = ");
    qb.push_bind(w.to.key());
    qb.push(", updated_at = ").push_bind(w.at);
    if let Some(s) = stamp {
        qb.push(format_args!(
            ", {s}_on_time = CASE WHEN {s}_at IS NULL THEN "
        ));
        qb.push_bind(w.on_time);
        qb.push(format_args!(
            " ELSE {s}_on_time END, {s}_at = COALESCE({s}_at, "
        ));
        qb.push_bind(w.at).push(")");
    }
    qb.push(", revision = revision + 1 WHERE id = ")
        .push_bind(w.report);
    qb.push(" AND state = ").push_bind(w.expected.key());
    let done = qb.build().execute(&mut *c).await.map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(stale(Some(before.state)));
    }
    let version = before.current_version;
    match w.step {
        Step::Approve => {
            query(
                "UPDATE report_versions SET approved_at = $1, approved_by_login = $2 \
                 WHERE id = $3",
            )
            .bind(w.at)
            .bind(&actor.login)
            .bind(version)
            .execute(&mut *c)
            .await
            .map_err(db)?;
        }
        Step::Publish => {
            query(
                "UPDATE report_versions SET published_at = COALESCE(published_at, $1) \
                 WHERE id = $2",
            )
            .bind(w.at)
            .bind(version)
            .execute(&mut *c)
            .await
            .map_err(db)?;
        }
        _ => {}
    }
    let event = insert_event(
        &mut *c,
        actor,
        w.report,
        w.step,
        Some(before.state),
        w.to,
        version,
        w.at,
        w.comment.as_deref(),
    )
    .await?;
    for chunk in w.comments.chunks(BATCH_ROWS) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO review_comments (report_id, event_id, version_id, anchor, quote, \
             body, author_login, at) ",
        );
        qb.push_values(chunk, |mut b, cm| {
            b.push_bind(w.report)
                .push_bind(event)
                .push_bind(version)
                .push_bind(cm.anchor.trim().to_string())
                .push_bind(cm.quote.clone())
                .push_bind(cm.body.trim().to_string())
                .push_bind(actor.login.clone())
                .push_bind(w.at);
        });
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    let notify: Vec<NewNotification> = w
        .notify
        .iter()
        .map(|n| NewNotification {
            report_id: n.report_id.or(Some(w.report)),
            dedup: if n.dedup.is_empty() {
                format!("event:{event}")
            } else {
                n.dedup.clone()
            },
            ..n.clone()
        })
        .collect();
    insert_notifications(&mut *c, &notify, w.at).await?;
    let after = fetch_report(&mut *c, w.report, false)
        .await?
        .ok_or(StoreError::NotFound("报告"))?;
    let place = unit_placement(&mut *c, after.unit_id)
        .await?
        .unwrap_or_default();
    let action = match w.step {
        Step::RequestApproval => "report.request_approval",
        Step::Approve => "report.approve",
        Step::SendBack => "report.send_back",
        Step::Submit => "report.submit",
        Step::Return => "report.return",
        Step::Accept => "report.accept",
        Step::Publish => "report.publish",
        Step::Withhold => "report.withhold",
        Step::AddVersion => "report.add_version",
        Step::Correct => "report.correct",
        Step::ReviewConfidentiality => "report.review",
    };
    let change = Change::new(action, "report", Some(w.report.0), place)
        .before(to_json(&before))
        .after(step_json(&after, w));
    Ok((after, change))
}

#[async_trait]
impl<S: Backend> CycleStore for S {
    async fn add_upload_version(
        &self,
        actor: &Actor,
        new: &NewUpload,
        plan: &VersionPlan,
    ) -> StoreResult<(UploadSummary, CycleReport)> {
        let mut tx = self.begin_write().await?;
        let (summary, place, upload_change) = insert_upload(&mut tx, actor, new).await?;
        let (report, change) = add_version(&mut tx, actor, &summary, plan, place).await?;
        append_audits(&mut tx, actor, vec![upload_change, change]).await?;
        tx.commit().await.map_err(db)?;
        Ok((summary, report))
    }

    async fn report_of(&self, unit: UnitId, year: i32) -> StoreResult<Option<CycleReport>> {
        let sql =
            format!("SELECT {REPORT_COLS} FROM reports r WHERE r.unit_id = $1 AND r.year = $2");
        query(&sql)
            .bind(unit)
            .bind(year)
            .fetch_optional_mapped(self.reader(), report_row)
            .await
    }

    async fn reports_of_unit(&self, unit: UnitId) -> StoreResult<Vec<CycleReport>> {
        let sql = format!(
            "SELECT {REPORT_COLS} FROM reports r WHERE r.unit_id = $1 ORDER BY r.year DESC"
        );
        query(&sql)
            .bind(unit)
            .fetch_all_mapped(self.reader(), report_row)
            .await
    }

    async fn cycle_report(&self, id: ReportId) -> StoreResult<ReportDetail> {
        // One connection, so the five reads see one another's rows.
        let mut c = self.reader().acquire().await.map_err(db)?;
        let report = fetch_report(&mut c, id, false)
            .await?
            .ok_or(StoreError::NotFound("报告"))?;
        let unit = fetch_unit(&mut c, report.unit_id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        let sql = format!(
            "SELECT {VERSION_COLS}, {UPLOAD_COLS} FROM report_versions v \
             JOIN uploads up ON up.id = v.upload_id JOIN units un ON un.id = up.unit_id \
             WHERE v.report_id = $1 ORDER BY v.n DESC"
        );
        let versions = query(&sql)
            .bind(id)
            .fetch_all_mapped(&mut c, version_row)
            .await?;
        let sql =
            format!("SELECT {EVENT_COLS} FROM report_events WHERE report_id = $1 ORDER BY id");
        let events = query(&sql)
            .bind(id)
            .fetch_all_mapped(&mut c, event_row)
            .await?;
        let sql =
            format!("SELECT {COMMENT_COLS} FROM review_comments WHERE report_id = $1 ORDER BY id");
        let comments = query(&sql)
            .bind(id)
            .fetch_all_mapped(&mut c, comment_row)
            .await?;
        let sql = format!(
            "SELECT {REVIEW_COLS} FROM confidentiality_reviews WHERE report_id = $1 ORDER BY id"
        );
        let reviews = query(&sql)
            .bind(id)
            .fetch_all_mapped(&mut c, review_row)
            .await?;
        Ok(ReportDetail {
            report,
            unit,
            versions,
            events,
            comments,
            reviews,
        })
    }

    async fn take_step(&self, actor: &Actor, w: &StepWrite) -> StoreResult<CycleReport> {
        let mut tx = self.begin_write().await?;
        let (after, change) = write_step(&mut tx, actor, w).await?;
        audit_and_commit(tx, actor, change).await?;
        Ok(after)
    }

    async fn take_steps(&self, actor: &Actor, ws: &[StepWrite]) -> StoreResult<Vec<CycleReport>> {
        let mut tx = self.begin_write().await?;
        let mut reports = Vec::with_capacity(ws.len());
        let mut changes = Vec::with_capacity(ws.len());
        for w in ws {
            let (after, change) = write_step(&mut tx, actor, w).await?;
            reports.push(after);
            changes.push(change);
        }
        append_audits(&mut tx, actor, changes).await?;
        tx.commit().await.map_err(db)?;
        Ok(reports)
    }

    async fn record_review(
        &self,
        actor: &Actor,
        report: ReportId,
        version: VersionId,
        review: &NewReview,
    ) -> StoreResult<ConfidentialityReview> {
        let mut tx = self.begin_write().await?;
        let (saved, change) =
            write_review(&mut tx, actor, report, None, Some(version), review, now()).await?;
        audit_and_commit(tx, actor, change).await?;
        Ok(saved)
    }

    async fn deadline_settings(
        &self,
        year: i32,
        regions: &[RegionId],
    ) -> StoreResult<Vec<(RegionId, DeadlineSetting)>> {
        cycle_org::deadline_settings(self.reader(), year, regions).await
    }

    async fn set_deadline_setting(
        &self,
        actor: &Actor,
        region: RegionId,
        year: i32,
        setting: &DeadlineSetting,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        cycle_org::set_deadline_setting(tx, actor, region, year, setting).await
    }

    async fn set_superior_unit(
        &self,
        actor: &Actor,
        unit: UnitId,
        superior: Option<UnitId>,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        cycle_org::set_superior_unit(tx, actor, unit, superior).await
    }

    async fn superior_unit(&self, unit: UnitId) -> StoreResult<Option<UnitId>> {
        cycle_org::superior_of(self.reader(), unit).await
    }

    async fn subordinate_units(&self, superior: UnitId) -> StoreResult<Vec<UnitId>> {
        cycle_org::subordinate_units(self.reader(), superior).await
    }

    async fn board(&self, q: &BoardQuery) -> StoreResult<Board> {
        cycle_board::board(self.reader(), q).await
    }

    async fn submissions_per_day(
        &self,
        region: RegionId,
        year: i32,
    ) -> StoreResult<Vec<(NaiveDate, i64)>> {
        cycle_board::submissions_per_day(self.reader(), region, year).await
    }

    async fn notifications(
        &self,
        user: UserId,
        unread_only: bool,
        offset: u32,
        limit: u32,
    ) -> StoreResult<Page<Notification>> {
        cycle_org::notifications(self.reader(), user, unread_only, offset, limit).await
    }

    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64> {
        cycle_org::unread_notifications(self.reader(), user).await
    }

    async fn mark_notifications_read(
        &self,
        user: UserId,
        id: Option<NotificationId>,
    ) -> StoreResult<u64> {
        let tx = self.begin_write().await?;
        cycle_org::mark_notifications_read(tx, user, id).await
    }

    async fn add_notifications(&self, items: &[NewNotification]) -> StoreResult<u64> {
        let tx = self.begin_write().await?;
        cycle_org::add_notifications(tx, items).await
    }

    async fn users_with_role_at(&self, place: &Placement, role: Role) -> StoreResult<Vec<UserId>> {
        cycle_org::users_with_role_at(self.reader(), place, role).await
    }
}
