//! Uploaded reports ([`ReportStore`]).

use crate::cycle::{add_version, plan_for_upload};
use crate::prelude::*;

/// `WHERE` of the overview: units at or below the region whose path is `path`, optionally
pub(crate) fn push_overview_scope(qb: &mut QueryBuilder<'_>, path: &str, search: Option<&str>) {
    let (lo, hi) = subtree_range(path);
    qb.push(" WHERE ur.path >= ")
        .push_bind(lo)
        .push(" AND ur.path < ")
        .push_bind(hi);
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", like_escape(&s.to_lowercase()));
        qb.push(" AND (lower(un.name) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(un.short_name) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

/// Keeps the bytes (once per SHA-256) and the upload row inside the transaction `c`; answers
/// the upload, where it sits and its `upload.create` entry (written by the caller with the
/// entry of the report's version).
pub(crate) async fn insert_upload(
    c: &mut DbConn,
    actor: &Actor,
    new: &NewUpload,
) -> StoreResult<(UploadSummary, Placement, Change)> {
    let digest = sha256_hex(&new.bytes);
    if !digest.eq_ignore_ascii_case(&new.sha256) {
        return Err(StoreError::Invalid(
            "文件的 SHA-256 校验值与内容不符".into(),
        ));
    }
    let place = unit_placement(&mut *c, new.unit_id)
        .await?
        .ok_or(StoreError::NotFound("单位"))?;
    query(
        "INSERT INTO blobs (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&digest)
    .bind(new.bytes.len() as i64)
    .bind(&new.bytes)
    .execute(&mut *c)
    .await
    .map_err(db)?;
    let id: i64 = query_scalar(
        "INSERT INTO uploads (unit_id, year, filename, content_type, sha256, size, title, status, \
         error, score, errors, warnings, infos, uploaded_by, uploaded_by_login, uploaded_at, \
         published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, NULL) \
         RETURNING id",
    )
    .bind(new.unit_id)
    .bind(new.year.get())
    .bind(&new.filename)
    .bind(&new.content_type)
    .bind(&digest)
    .bind(new.bytes.len() as i64)
    .bind(&new.title)
    .bind(status_key(new.status))
    .bind(&new.error)
    .bind(new.score)
    .bind(new.errors)
    .bind(new.warnings)
    .bind(new.infos)
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(now())
    .fetch_one(&mut *c)
    .await
    .map_err(db)?;
    if let Some(checked) = &new.checked_json {
        query("INSERT INTO upload_checks (upload_id, checked_json) VALUES ($1, $2)")
            .bind(id)
            .bind(checked)
            .execute(&mut *c)
            .await
            .map_err(db)?;
    }
    let summary = fetch_upload(&mut *c, UploadId(id))
        .await?
        .ok_or(StoreError::NotFound("报告"))?;
    let change =
        Change::new("upload.create", "upload", Some(id), place.clone()).after(to_json(&summary));
    Ok((summary, place, change))
}

#[async_trait]
impl<S: Backend> ReportStore for S {
    async fn create_upload(&self, actor: &Actor, new: &NewUpload) -> StoreResult<UploadSummary> {
        let mut tx = self.begin_write().await?;
        let (summary, place, upload_change) = insert_upload(&mut tx, actor, new).await?;
        let plan = plan_for_upload(&mut tx, new.unit_id, new.year.get()).await?;
        let (_, change) = add_version(&mut tx, actor, &summary, &plan, place).await?;
        append_audits(&mut tx, actor, vec![upload_change, change]).await?;
        tx.commit().await.map_err(db)?;
        Ok(summary)
    }

    async fn upload(&self, id: UploadId) -> StoreResult<UploadDetail> {
        // One statement by primary key: the findings page reads this on every request.
        let sql = format!(
            "SELECT {UPLOAD_COLS}, {UNIT_COLS}, up.content_type AS up_content_type, \
             uc.checked_json AS up_checked_json \
             FROM uploads up JOIN units un ON un.id = up.unit_id \
             JOIN regions ur ON ur.id = un.region_id \
             LEFT JOIN upload_checks uc ON uc.upload_id = up.id WHERE up.id = $1"
        );
        let row = query(&sql)
            .bind(id)
            .fetch_optional(self.reader())
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound("报告"))?;
        Ok(UploadDetail {
            summary: upload_row(&row)?,
            unit: unit_row(&row)?,
            content_type: col(&row, "up_content_type")?,
            checked_json: col(&row, "up_checked_json")?,
        })
    }

    async fn upload_bytes(&self, id: UploadId) -> StoreResult<Vec<u8>> {
        query_scalar(
            "SELECT b.bytes FROM uploads up JOIN blobs b ON b.sha256 = up.sha256 WHERE up.id = $1",
        )
        .bind(id)
        .fetch_optional(self.reader())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("报告"))
    }

    async fn uploads_of_unit(
        &self,
        unit_id: UnitId,
        year: Option<i32>,
    ) -> StoreResult<Vec<UploadSummary>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT {UPLOAD_COLS} FROM uploads up JOIN units un ON un.id = up.unit_id WHERE up.unit_id = "
        ));
        qb.push_bind(unit_id);
        if let Some(y) = year {
            qb.push(" AND up.year = ").push_bind(y);
        }
        qb.push(" ORDER BY up.uploaded_at DESC, up.id DESC");
        qb.build().fetch_all_mapped(self.reader(), upload_row).await
    }

    async fn set_published(
        &self,
        actor: &Actor,
        id: UploadId,
        at: Option<Timestamp>,
    ) -> StoreResult<UploadSummary> {
        let mut tx = self.begin_write().await?;
        let before = fetch_upload(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound("报告"))?;
        query("UPDATE uploads SET published_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        let after = fetch_upload(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound("报告"))?;
        let place = unit_placement(&mut tx, after.unit_id)
            .await?
            .unwrap_or_default();
        let action = if at.is_some() {
            "upload.publish"
        } else {
            "upload.withdraw"
        };
        audit_and_commit(
            tx,
            actor,
            Change::new(action, "upload", Some(id.0), place).states(&before, &after),
        )
        .await?;
        Ok(after)
    }

    async fn published_uploads(&self, offset: u32, limit: u32) -> StoreResult<Page<UploadSummary>> {
        let total: i64 =
            query_scalar("SELECT COUNT(*) FROM uploads WHERE published_at IS NOT NULL")
                .fetch_one(self.reader())
                .await
                .map_err(db)?;
        let sql = format!(
            "SELECT {UPLOAD_COLS} FROM uploads up JOIN units un ON un.id = up.unit_id \
             WHERE up.published_at IS NOT NULL ORDER BY up.published_at DESC, up.id DESC \
             LIMIT $1 OFFSET $2"
        );
        let items = query(&sql)
            .bind(i64::from(limit.min(MAX_PAGE)))
            .bind(i64::from(offset))
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(upload_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn unit_overview(&self, q: &UnitOverviewQuery) -> StoreResult<Page<UnitOverviewRow>> {
        let path = region_path(self.reader(), q.region_id)
            .await?
            .ok_or(StoreError::NotFound("区划"))?;
        let search = q.search.as_deref();

        let mut count = QueryBuilder::new(
            "SELECT COUNT(*) FROM units un JOIN regions ur ON ur.id = un.region_id",
        );
        push_overview_scope(&mut count, &path, search);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(db)?;

        // Two steps. First the page: per unit in scope, its latest upload of the year (a seek
        // in the index uploads(unit_id, year, uploaded_at, id), done once per unit: the scope
        // is MATERIALIZED, or the planners would repeat the subquery wherever `latest_id` is
        // used), sorted with only the columns the sort needs. Then, for the page's units only,
        // every column and the number of uploads of the year.
        let dir = if q.descending { "DESC" } else { "ASC" };
        let key = |name: &str, path: &str| match q.sort {
            UnitSort::Name => format!("{name} {dir}"),
            UnitSort::Region => format!("{path} {dir}"),
            UnitSort::Score => {
                format!("CASE WHEN up.score IS NULL THEN 1 ELSE 0 END, up.score {dir}")
            }
            UnitSort::Findings => format!("up.errors + up.warnings {dir}, up.errors {dir}"),
            UnitSort::UploadedAt => format!("up.uploaded_at {dir}"),
        };
        let needs_upload = !matches!(q.sort, UnitSort::Name | UnitSort::Region);
        let mut qb = QueryBuilder::new(
            "WITH scope AS MATERIALIZED (SELECT un.id AS unit_id, un.name AS name, ur.path AS path, \
             (SELECT l.id FROM uploads l WHERE l.unit_id = un.id AND l.year = ",
        );
        qb.push_bind(q.year);
        qb.push(
            " ORDER BY l.uploaded_at DESC, l.id DESC LIMIT 1) AS latest_id \
             FROM units un JOIN regions ur ON ur.id = un.region_id",
        );
        push_overview_scope(&mut qb, &path, search);
        qb.push("), page AS (SELECT sc.unit_id, sc.latest_id FROM scope sc");
        if needs_upload {
            qb.push(" LEFT JOIN uploads up ON up.id = sc.latest_id");
        }
        qb.push(format!(
            " ORDER BY CASE WHEN sc.latest_id IS NULL THEN 1 ELSE 0 END, {}, sc.name, sc.unit_id LIMIT ",
            key("sc.name", "sc.path")
        ));
        qb.push_bind(i64::from(q.limit.min(MAX_PAGE)));
        qb.push(" OFFSET ").push_bind(i64::from(q.offset));
        qb.push(format!(
            ") SELECT {UNIT_COLS}, ur.name AS region_name, {UPLOAD_COLS}, \
             (SELECT COUNT(*) FROM uploads c WHERE c.unit_id = un.id AND c.year = "
        ));
        qb.push_bind(q.year);
        qb.push(format!(
            ") AS uploads_count FROM page p JOIN units un ON un.id = p.unit_id \
             JOIN regions ur ON ur.id = un.region_id \
             LEFT JOIN uploads up ON up.id = p.latest_id \
             ORDER BY CASE WHEN up.id IS NULL THEN 1 ELSE 0 END, {}, un.name, un.id",
            key("un.name", "ur.path")
        ));
        let rows = qb.build().fetch_all(self.reader()).await.map_err(db)?;
        let items = rows
            .iter()
            .map(|r| {
                let latest = match col::<Option<i64>>(r, "up_id")? {
                    Some(_) => Some(upload_row(r)?),
                    None => None,
                };
                Ok(UnitOverviewRow {
                    unit: unit_row(r)?,
                    region_name: col(r, "region_name")?,
                    latest,
                    uploads: col(r, "uploads_count")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn count_units_uploaded(&self, q: &UnitOverviewQuery) -> StoreResult<i64> {
        let path = region_path(self.reader(), q.region_id)
            .await?
            .ok_or(StoreError::NotFound("区划"))?;
        let mut count = QueryBuilder::new(
            "SELECT COUNT(*) FROM units un JOIN regions ur ON ur.id = un.region_id",
        );
        push_overview_scope(&mut count, &path, q.search.as_deref());
        count.push(" AND EXISTS (SELECT 1 FROM uploads l WHERE l.unit_id = un.id AND l.year = ");
        count.push_bind(q.year);
        count.push(")");
        count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(db)
    }

    async fn upload_years(&self) -> StoreResult<Vec<i32>> {
        query_scalar("SELECT DISTINCT year FROM uploads ORDER BY year DESC")
            .fetch_all(self.reader())
            .await
            .map_err(db)
    }
}
