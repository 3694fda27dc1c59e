//! The ledger ([`LedgerStore`]).

use crate::prelude::*;

// ---------------------------------------------------------------------------------------
// The ledger

pub(crate) const LEDGER_COLS: &str = "r.id AS r_id, r.unit_id AS r_unit_id, r.year AS r_year, \
     r.kind AS r_kind, r.fields AS r_fields, r.indicators AS r_indicators, \
     r.version AS r_version, r.created_at AS r_created_at, r.created_by AS r_created_by, \
     r.updated_at AS r_updated_at, r.updated_by AS r_updated_by, r.deleted_at AS r_deleted_at";

/// A record row without its attachments (filled in by the caller).
pub(crate) fn ledger_row(r: &DbRow) -> StoreResult<LedgerRow> {
    let code: String = col(r, "r_kind")?;
    let kind = RecordKind::from_code(&code)
        .ok_or_else(|| StoreError::Backend(format!("未知的台账类别：{code}")))?;
    let fields =
        Fields::from_json(kind, &col::<String>(r, "r_fields")?).map_err(StoreError::Backend)?;
    let indicators: Vec<String> = serde_json::from_str(&col::<String>(r, "r_indicators")?)
        .map_err(|e| StoreError::Backend(format!("台账记录的指标无法读取：{e}")))?;
    Ok(LedgerRow {
        record: Record {
            id: id_col(r, "r_id")?,
            unit_id: id_col(r, "r_unit_id")?,
            data: RecordData {
                kind,
                year: col(r, "r_year")?,
                fields,
                indicators,
            },
        },
        version: col(r, "r_version")?,
        created_at: col_ts(r, "r_created_at")?,
        created_by: col(r, "r_created_by")?,
        updated_at: col_ts(r, "r_updated_at")?,
        updated_by: col(r, "r_updated_by")?,
        deleted_at: col_ts_opt(r, "r_deleted_at")?,
        attachments: Vec::new(),
    })
}

pub(crate) const ATTACHMENT_COLS: &str = "a.id AS a_id, a.record_id AS a_record_id, \
     a.filename AS a_filename, a.content_type AS a_content_type, a.sha256 AS a_sha256, \
     a.size AS a_size, a.created_at AS a_created_at";

pub(crate) fn attachment_row(r: &DbRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: id_col(r, "a_id")?,
        record_id: id_col(r, "a_record_id")?,
        filename: col(r, "a_filename")?,
        content_type: col(r, "a_content_type")?,
        sha256: col(r, "a_sha256")?,
        size: col(r, "a_size")?,
        created_at: col_ts(r, "a_created_at")?,
    })
}

/// What the audit log keeps of a record: the row without its attachments (they have their
/// own entries).
pub(crate) fn record_json(row: &LedgerRow) -> Value {
    let mut v = to_json(row);
    if let Value::Object(m) = &mut v {
        m.remove("attachments");
    }
    v
}

/// The columns the store derives from a record's data, for filtering and sorting.
pub(crate) struct Derived {
    fields: String,
    indicators: String,
    record_date: Option<NaiveDate>,
    title: String,
    search_text: String,
}

pub(crate) fn derive(data: &RecordData) -> Derived {
    let kind = data.kind;
    let record_date = kind.date_field().and_then(|k| data.fields.date(k));
    let title = data.title();
    let search_text = kind
        .fields()
        .iter()
        .map(|spec| data.fields.display(spec.key))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    Derived {
        fields: data.fields.to_json(),
        indicators: serde_json::to_string(&data.indicators).unwrap_or_else(|_| "[]".into()),
        record_date,
        title,
        search_text,
    }
}

pub(crate) const RECORD_NOT_FOUND: &str = "台账记录";
pub(crate) const CONFLICT_MESSAGE: &str = "该记录已被他人修改，请刷新后重试";

/// One record (deleted or not) without attachments; `lock` locks its row for the
/// transaction ([`DbConn::lock_row`]).
pub(crate) async fn fetch_record(
    c: &mut DbConn,
    id: RecordId,
    lock: bool,
) -> StoreResult<LedgerRow> {
    let sql = format!(
        "SELECT {LEDGER_COLS} FROM ledger_records r WHERE r.id = $1{}",
        if lock { c.lock_row() } else { "" }
    );
    fetch_by_id(&mut *c, &sql, id.0, ledger_row)
        .await?
        .ok_or(StoreError::NotFound(RECORD_NOT_FOUND))
}

/// The live attachments of `records`, in the order they were added, by record.
pub(crate) async fn attachments_of<'e, E>(
    e: E,
    kind: Kind,
    records: &[RecordId],
) -> StoreResult<HashMap<RecordId, Vec<Attachment>>>
where
    E: Executor<'e>,
{
    let mut out: HashMap<RecordId, Vec<Attachment>> = HashMap::new();
    if records.is_empty() {
        return Ok(out);
    }
    let mut qb = QueryBuilder::new(format!(
        "SELECT {ATTACHMENT_COLS} FROM ledger_attachments a WHERE a.deleted_at IS NULL AND "
    ));
    qb.push_id_set(kind, "a.record_id", records);
    qb.push(" ORDER BY a.record_id, a.id");
    for r in qb.build().fetch_all(e).await.map_err(db)? {
        let a = attachment_row(&r)?;
        out.entry(a.record_id).or_default().push(a);
    }
    Ok(out)
}

/// A record (deleted or not) with its attachments.
pub(crate) async fn fetch_full_record(c: &mut DbConn, id: RecordId) -> StoreResult<LedgerRow> {
    let mut row = fetch_record(&mut *c, id, false).await?;
    let kind = c.kind();
    row.attachments = attachments_of(&mut *c, kind, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(row)
}

/// Inserts records of one unit with their indicator tags and answers them as stored (version
/// 1, no attachments). Ids are reserved first, then multi-row INSERTs of [`BATCH_ROWS`]
/// records: a statement per batch rather than per row (a round trip each on PostgreSQL).
pub(crate) async fn insert_records(
    c: &mut DbConn,
    actor: &Actor,
    unit_id: UnitId,
    rows: &[RecordData],
    at: Timestamp,
) -> StoreResult<Vec<LedgerRow>> {
    let ids = c.reserve_record_ids(rows.len()).await?;
    for (chunk, chunk_ids) in rows.chunks(BATCH_ROWS).zip(ids.chunks(BATCH_ROWS)) {
        let derived: Vec<Derived> = chunk.iter().map(derive).collect();
        let mut qb = QueryBuilder::new(
            "INSERT INTO ledger_records (id, unit_id, year, kind, fields, indicators, \
             record_date, title, search_text, version, created_at, created_by, updated_at, \
             updated_by, deleted_at) ",
        );
        qb.push_values(
            chunk.iter().zip(chunk_ids).zip(&derived),
            |mut b, ((data, id), d)| {
                b.push_bind(*id)
                    .push_bind(unit_id)
                    .push_bind(data.year)
                    .push_bind(data.kind.code())
                    .push_bind(d.fields.clone())
                    .push_bind(d.indicators.clone())
                    .push_bind(d.record_date)
                    .push_bind(d.title.clone())
                    .push_bind(d.search_text.clone())
                    .push_bind(1i64)
                    .push_bind(at)
                    .push_bind(actor.login.clone())
                    .push_bind(at)
                    .push_bind(actor.login.clone())
                    .push_bind(None::<Timestamp>);
            },
        );
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    let tags: Vec<(RecordId, &str)> = rows
        .iter()
        .zip(&ids)
        .flat_map(|(data, &id)| data.indicators.iter().map(move |code| (id, code.as_str())))
        .collect();
    insert_indicators(&mut *c, &tags).await?;
    Ok(rows
        .iter()
        .zip(ids)
        .map(|(data, id)| LedgerRow {
            record: Record {
                id: RecordId(id.0),
                unit_id,
                data: data.clone(),
            },
            version: 1,
            created_at: at,
            created_by: actor.login.clone(),
            updated_at: at,
            updated_by: actor.login.clone(),
            deleted_at: None,
            attachments: Vec::new(),
        })
        .collect())
}

/// Tags records with indicator codes (each code once per record).
pub(crate) async fn insert_indicators(
    c: &mut DbConn,
    tags: &[(RecordId, &str)],
) -> StoreResult<()> {
    let mut seen = std::collections::HashSet::new();
    let tags: Vec<(RecordId, &str)> = tags
        .iter()
        .copied()
        .filter(|(id, code)| !code.is_empty() && seen.insert((*id, *code)))
        .collect();
    for chunk in tags.chunks(BATCH_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO ledger_record_indicators (record_id, code) ");
        qb.push_values(chunk, |mut b, (id, code)| {
            b.push_bind(*id).push_bind(code.to_string());
        });
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    Ok(())
}

/// The `WHERE` of a ledger list (shared by the page and its count).
pub(crate) fn push_ledger_where(qb: &mut QueryBuilder<'_>, kind: Kind, q: &LedgerQuery) {
    qb.push(" WHERE r.unit_id = ").push_bind(q.unit_id);
    if let Some(y) = q.year {
        qb.push(" AND r.year = ").push_bind(y);
    }
    if let Some(k) = q.kind {
        qb.push(" AND r.kind = ").push_bind(k.code());
    }
    if q.deleted_only {
        qb.push(" AND r.deleted_at IS NOT NULL");
    } else if !q.include_deleted {
        qb.push(" AND r.deleted_at IS NULL");
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", like_escape(&text.to_lowercase()));
        qb.push(" AND r.search_text LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'");
    }
    if let Some(code) = q
        .indicator
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let below = format!("{code}.");
        qb.push(
            " AND EXISTS (SELECT 1 FROM ledger_record_indicators i WHERE i.record_id = r.id \
             AND (i.code = ",
        )
        .push_bind(code.to_string())
        .push(" OR (i.code >= ")
        .push_bind(below.clone())
        .push(" AND i.code < ")
        .push_bind(prefix_upper(&below))
        .push(")))");
    }
    if let Some(from) = q.from {
        qb.push(" AND r.record_date >= ").push_bind(from);
    }
    if let Some(until) = q.until {
        qb.push(" AND r.record_date <= ").push_bind(until);
    }
    if let Some(ids) = &q.ids {
        qb.push(" AND ");
        qb.push_id_set(kind, "r.id", ids);
    }
}

#[async_trait]
impl<S: Backend> LedgerStore for S {
    async fn create_record(
        &self,
        actor: &Actor,
        unit_id: UnitId,
        data: &RecordData,
    ) -> StoreResult<LedgerRow> {
        fazhi_domain::ReportYear::check(data.year).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let place = unit_placement(&mut tx, unit_id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        let row = insert_records(&mut tx, actor, unit_id, std::slice::from_ref(data), now())
            .await?
            .remove(0);
        audit_and_commit(
            tx,
            actor,
            Change::new("record.create", "record", Some(row.record.id.0), place)
                .after(record_json(&row)),
        )
        .await?;
        Ok(row)
    }

    async fn update_record(
        &self,
        actor: &Actor,
        id: RecordId,
        data: &RecordData,
        version: i64,
    ) -> StoreResult<LedgerRow> {
        fazhi_domain::ReportYear::check(data.year).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let before = fetch_record(&mut tx, id, true).await?;
        if before.deleted_at.is_some() {
            return Err(StoreError::Invalid(
                "该记录已删除，不能修改；请先恢复".into(),
            ));
        }
        if data.kind != before.record.data.kind {
            return Err(StoreError::Invalid(format!(
                "台账记录的类别不能更改（本记录是“{}”）",
                before.record.data.kind.label()
            )));
        }
        if before.version != version {
            return Err(StoreError::Conflict(CONFLICT_MESSAGE.into()));
        }
        let d = derive(data);
        let at = now();
        let changed = query(
            "UPDATE ledger_records SET year = $1, fields = $2, indicators = $3, \
             record_date = $4, title = $5, search_text = $6, version = version + 1, \
             updated_at = $7, updated_by = $8 WHERE id = $9 AND version = $10",
        )
        .bind(data.year)
        .bind(&d.fields)
        .bind(&d.indicators)
        .bind(d.record_date)
        .bind(&d.title)
        .bind(&d.search_text)
        .bind(at)
        .bind(&actor.login)
        .bind(id)
        .bind(version)
        .execute(&mut tx)
        .await
        .map_err(db)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(CONFLICT_MESSAGE.into()));
        }
        query("DELETE FROM ledger_record_indicators WHERE record_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        let tags: Vec<(RecordId, &str)> =
            data.indicators.iter().map(|c| (id, c.as_str())).collect();
        insert_indicators(&mut tx, &tags).await?;
        let after = fetch_full_record(&mut tx, id).await?;
        let place = unit_placement(&mut tx, after.record.unit_id)
            .await?
            .unwrap_or_default();
        audit_and_commit(
            tx,
            actor,
            Change::new("record.update", "record", Some(id.0), place)
                .before(record_json(&before))
                .after(record_json(&after)),
        )
        .await?;
        Ok(after)
    }

    async fn delete_record(&self, actor: &Actor, id: RecordId) -> StoreResult<LedgerRow> {
        set_record_deleted(self.db(), actor, id, true).await
    }

    async fn restore_record(&self, actor: &Actor, id: RecordId) -> StoreResult<LedgerRow> {
        set_record_deleted(self.db(), actor, id, false).await
    }

    async fn record(&self, id: RecordId) -> StoreResult<LedgerRow> {
        let mut c = self.reader().acquire().await.map_err(db)?;
        fetch_full_record(&mut c, id).await
    }

    async fn records(&self, q: &LedgerQuery) -> StoreResult<Page<LedgerRow>> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM ledger_records r");
        push_ledger_where(&mut count, self.reader().kind(), q);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(db)?;
        if total == 0 {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let mut qb = QueryBuilder::new(format!("SELECT {LEDGER_COLS} FROM ledger_records r"));
        push_ledger_where(&mut qb, self.reader().kind(), q);
        qb.push(" ORDER BY r.record_date DESC NULLS LAST, r.id DESC LIMIT ");
        let limit = if q.limit == 0 {
            i64::MAX
        } else {
            i64::from(q.limit.min(MAX_PAGE))
        };
        qb.push_bind(limit)
            .push(" OFFSET ")
            .push_bind(i64::from(q.offset));
        let mut items = qb
            .build()
            .fetch_all(self.reader())
            .await
            .map_err(db)?
            .iter()
            .map(ledger_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let ids: Vec<RecordId> = items.iter().map(|r| r.record.id).collect();
        let mut attachments = attachments_of(self.reader(), self.reader().kind(), &ids).await?;
        for row in &mut items {
            row.attachments = attachments.remove(&row.record.id).unwrap_or_default();
        }
        Ok(Page { items, total })
    }

    async fn import_records(
        &self,
        actor: &Actor,
        unit_id: UnitId,
        rows: &[RecordData],
    ) -> StoreResult<u64> {
        let bad: Vec<RowError> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                fazhi_domain::ReportYear::check(r.year)
                    .err()
                    .map(|message| RowError {
                        line: i + 1,
                        message,
                    })
            })
            .collect();
        if !bad.is_empty() {
            return Err(StoreError::Rows(bad));
        }
        let mut tx = self.begin_write().await?;
        let place = unit_placement(&mut tx, unit_id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        if rows.is_empty() {
            return Ok(0);
        }
        let inserted = insert_records(&mut tx, actor, unit_id, rows, now()).await?;
        let mut changes: Vec<Change> = inserted
            .iter()
            .map(|row| {
                Change::new(
                    "record.create",
                    "record",
                    Some(row.record.id.0),
                    place.clone(),
                )
                .after(record_json(row))
            })
            .collect();
        let first = rows[0].kind;
        let kind = rows.iter().all(|r| r.kind == first).then(|| first.code());
        changes.push(
            Change::new("record.import", "record", None, place)
                .after(json!({ "kind": kind, "count": rows.len() })),
        );
        append_audits(&mut tx, actor, changes).await?;
        tx.commit().await.map_err(db)?;
        Ok(rows.len() as u64)
    }

    async fn add_attachment(
        &self,
        actor: &Actor,
        record_id: RecordId,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<Attachment> {
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::Invalid(format!(
                "附件超过 {} MB 的大小限制",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
        let filename = filename.trim();
        if filename.is_empty() {
            return Err(StoreError::Invalid("附件的文件名为空".into()));
        }
        if filename.chars().count() > MAX_FILENAME_CHARS {
            return Err(StoreError::Invalid(format!(
                "附件的文件名超过 {MAX_FILENAME_CHARS} 个字符的长度限制"
            )));
        }
        let digest = sha256_hex(bytes);
        let mut tx = self.begin_write().await?;
        let record = fetch_record(&mut tx, record_id, true).await?;
        if record.deleted_at.is_some() {
            return Err(StoreError::Invalid(
                "该记录已删除，不能添加附件；请先恢复".into(),
            ));
        }
        let place = unit_placement(&mut tx, record.record.unit_id)
            .await?
            .unwrap_or_default();
        query(
            "INSERT INTO blobs (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&digest)
        .bind(bytes.len() as i64)
        .bind(bytes)
        .execute(&mut tx)
        .await
        .map_err(db)?;
        let at = now();
        let id = query_scalar::<i64>(
            "INSERT INTO ledger_attachments (record_id, filename, content_type, sha256, size, \
             created_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, NULL) RETURNING id",
        )
        .bind(record_id)
        .bind(filename)
        .bind(content_type)
        .bind(&digest)
        .bind(bytes.len() as i64)
        .bind(at)
        .fetch_one(&mut tx)
        .await
        .map_err(db)?;
        let id = AttachmentId(id);
        let attachment = Attachment {
            id,
            record_id,
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            sha256: digest,
            size: bytes.len() as i64,
            created_at: at,
        };
        audit_and_commit(
            tx,
            actor,
            Change::new("attachment.create", "attachment", Some(id.0), place)
                .after(to_json(&attachment)),
        )
        .await?;
        Ok(attachment)
    }

    async fn attachment(&self, id: AttachmentId) -> StoreResult<(Attachment, Vec<u8>)> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS}, b.bytes AS a_bytes FROM ledger_attachments a \
             JOIN blobs b ON b.sha256 = a.sha256 WHERE a.id = $1 AND a.deleted_at IS NULL"
        );
        fetch_by_id(self.reader(), &sql, id.0, |r| {
            Ok((attachment_row(r)?, col::<Vec<u8>>(r, "a_bytes")?))
        })
        .await?
        .ok_or(StoreError::NotFound("附件"))
    }

    async fn delete_attachment(&self, actor: &Actor, id: AttachmentId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {ATTACHMENT_COLS}, r.unit_id AS a_unit_id FROM ledger_attachments a \
             JOIN ledger_records r ON r.id = a.record_id \
             WHERE a.id = $1 AND a.deleted_at IS NULL{}",
            tx.lock_row()
        );
        let (attachment, unit_id) = fetch_by_id(&mut tx, &sql, id.0, |r| {
            Ok((attachment_row(r)?, col::<i64>(r, "a_unit_id")?))
        })
        .await?
        .ok_or(StoreError::NotFound("附件"))?;
        query("UPDATE ledger_attachments SET deleted_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        let place = unit_placement(&mut tx, UnitId(unit_id))
            .await?
            .unwrap_or_default();
        audit_and_commit(
            tx,
            actor,
            Change::new("attachment.delete", "attachment", Some(id.0), place)
                .before(to_json(&attachment)),
        )
        .await?;
        Ok(())
    }

    async fn ledger_years(&self, unit_id: UnitId) -> StoreResult<Vec<i32>> {
        query_scalar(
            "SELECT DISTINCT year FROM ledger_records WHERE unit_id = $1 AND deleted_at IS NULL \
             ORDER BY year DESC",
        )
        .bind(unit_id)
        .fetch_all(self.reader())
        .await
        .map_err(db)
    }
}

/// Longest attachment file name kept (characters).
pub(crate) const MAX_FILENAME_CHARS: usize = 255;

/// Soft-deletes (`deleted`) or restores a record; a record already in that state is
/// answered as it is, without a change or an audit entry.
pub(crate) async fn set_record_deleted(
    db_: &Db,
    actor: &Actor,
    id: RecordId,
    deleted: bool,
) -> StoreResult<LedgerRow> {
    let mut tx = db_.begin_write().await?;
    let before = fetch_record(&mut tx, id, true).await?;
    if before.deleted_at.is_some() == deleted {
        let row = fetch_full_record(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        return Ok(row);
    }
    let at = now();
    query(
        "UPDATE ledger_records SET deleted_at = $1, version = version + 1, updated_at = $2, \
             updated_by = $3 WHERE id = $4",
    )
    .bind(deleted.then_some(at))
    .bind(at)
    .bind(&actor.login)
    .bind(id)
    .execute(&mut tx)
    .await
    .map_err(db)?;
    let after = fetch_full_record(&mut tx, id).await?;
    let place = unit_placement(&mut tx, after.record.unit_id)
        .await?
        .unwrap_or_default();
    let action = if deleted {
        "record.delete"
    } else {
        "record.restore"
    };
    audit_and_commit(
        tx,
        actor,
        Change::new(action, "record", Some(id.0), place)
            .before(record_json(&before))
            .after(record_json(&after)),
    )
    .await?;
    Ok(after)
}
