//! The audit log: where a changed thing sits, the entry written in the transaction of each
//! change, and the read side ([`AuditStore`]).

use crate::prelude::*;

// ---------------------------------------------------------------------------------------
// Placements (where a changed thing sits, for the audit entry)

pub(crate) async fn unit_placement<'e, E>(e: E, id: UnitId) -> StoreResult<Option<Placement>>
where
    E: Executor<'e>,
{
    let path: Option<String> = query_scalar(
        "SELECT ur.path FROM units un JOIN regions ur ON ur.id = un.region_id WHERE un.id = $1",
    )
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(db)?;
    path.map(|p| Ok(Placement::unit(id, path_from_text(&p)?)))
        .transpose()
}

pub(crate) async fn node_placement(c: &mut DbConn, node: Node) -> StoreResult<Placement> {
    match node {
        Node::Region(id) => {
            let path = region_path(&mut *c, id)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            Ok(Placement::region(path_from_text(&path)?))
        }
        Node::Unit(id) => unit_placement(&mut *c, id)
            .await?
            .ok_or(StoreError::NotFound("单位")),
    }
}

/// Where an account sits: the deepest place holding all of its grants (empty without grants).
pub(crate) async fn user_placement(c: &mut DbConn, user_id: UserId) -> StoreResult<Placement> {
    let rows = query(
        "SELECT g.node_type, g.node_id, COALESCE(r.path, ur.path) AS path \
         FROM role_grants g \
         LEFT JOIN regions r ON g.node_type = 'region' AND r.id = g.node_id \
         LEFT JOIN units un ON g.node_type = 'unit' AND un.id = g.node_id \
         LEFT JOIN regions ur ON ur.id = un.region_id \
         WHERE g.user_id = $1 ORDER BY g.id",
    )
    .bind(user_id)
    .fetch_all(&mut *c)
    .await
    .map_err(db)?;
    let mut places = Vec::with_capacity(rows.len());
    for r in &rows {
        let regions = path_from_text(&col::<Option<String>>(r, "path")?.unwrap_or_default())?;
        let unit = match col::<String>(r, "node_type")?.as_str() {
            "unit" => Some(col::<i64>(r, "node_id")?),
            _ => None,
        };
        places.push(Placement {
            unit: unit.map(UnitId),
            regions,
        });
    }
    Ok(common_placement(&places))
}

// ---------------------------------------------------------------------------------------
// The audit log

/// One audit entry, written by [`append_audit`] in the transaction of the change it describes.
pub(crate) struct Change {
    pub(crate) action: &'static str,
    pub(crate) entity: &'static str,
    pub(crate) entity_id: Option<i64>,
    pub(crate) place: Placement,
    pub(crate) before: Option<Value>,
    pub(crate) after: Option<Value>,
}

impl Change {
    /// An entry for `action` on `entity` (its row id, when it has one) at `place`, with no
    /// state recorded; [`Change::before`] and [`Change::after`] add the states.
    pub(crate) fn new(
        action: &'static str,
        entity: &'static str,
        entity_id: Option<i64>,
        place: Placement,
    ) -> Change {
        Change {
            action,
            entity,
            entity_id,
            place,
            before: None,
            after: None,
        }
    }

    /// The state before the change.
    pub(crate) fn before(mut self, state: Value) -> Change {
        self.before = Some(state);
        self
    }

    /// The states before and after the change.
    pub(crate) fn states<T: serde::Serialize>(self, before: &T, after: &T) -> Change {
        self.before(to_json(before)).after(to_json(after))
    }

    /// The state after the change.
    pub(crate) fn after(mut self, state: Value) -> Change {
        self.after = Some(state);
        self
    }
}

pub(crate) async fn append_audit(c: &mut DbConn, actor: &Actor, ch: Change) -> StoreResult<()> {
    append_audits(c, actor, vec![ch]).await
}

/// Writes `ch` and commits `tx`: the last step of a change that writes one audit entry.
pub(crate) async fn audit_and_commit(mut tx: DbConn, actor: &Actor, ch: Change) -> StoreResult<()> {
    append_audit(&mut tx, actor, ch).await?;
    tx.commit().await.map_err(db)
}

/// Several audit entries at once (the import), in the order given.
pub(crate) async fn append_audits(
    c: &mut DbConn,
    actor: &Actor,
    changes: Vec<Change>,
) -> StoreResult<()> {
    let at = now();
    for chunk in changes.chunks(BATCH_ROWS) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO audit_log (at, actor_user_id, actor_login, addr, action, entity, \
             entity_id, unit_id, region_path, before, after) ",
        );
        qb.push_values(chunk, |mut b, ch| {
            b.push_bind(at)
                .push_bind(actor.user_id)
                .push_bind(actor.login.clone())
                .push_bind(actor.addr.clone())
                .push_bind(ch.action)
                .push_bind(ch.entity)
                .push_bind(ch.entity_id)
                .push_bind(ch.place.unit)
                .push_bind(path_to_text(&ch.place.regions))
                .push_bind(ch.before.clone().map(Json))
                .push_bind(ch.after.clone().map(Json));
        });
        qb.build().execute(&mut *c).await.map_err(db)?;
    }
    Ok(())
}

/// Page sizes asked as 0 get this many entries.
pub(crate) const DEFAULT_AUDIT_LIMIT: u32 = 100;
/// No page is larger than this.
pub(crate) const MAX_PAGE: u32 = 10_000;

#[async_trait]
impl<S: Backend> AuditStore for S {
    async fn audit(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut qb = QueryBuilder::new(format!("SELECT {AUDIT_COLS} FROM audit_log WHERE TRUE"));
        if let Some(r) = f.region_id {
            let path = region_path(self.reader(), r)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            let (lo, hi) = subtree_range(&path);
            qb.push(" AND ((region_path >= ")
                .push_bind(lo)
                .push(" AND region_path < ")
                .push_bind(hi)
                .push(")");
            // Entries that sit nowhere in the tree (failed logins of unknown names, accounts
            // without roles) belong to the whole installation: a root region's view has them.
            if path.matches('/').count() == 2 {
                qb.push(" OR region_path = ''");
            }
            qb.push(")");
        }
        if let Some(login) = &f.actor_login {
            qb.push(" AND actor_login = ").push_bind(login.clone());
        }
        if let Some(prefix) = f.action_prefix.as_deref().filter(|p| !p.is_empty()) {
            qb.push(" AND action >= ").push_bind(prefix.to_string());
            qb.push(" AND action < ").push_bind(prefix_upper(prefix));
        }
        if let Some(entity) = &f.entity {
            qb.push(" AND entity = ").push_bind(entity.clone());
        }
        if let Some(from) = f.from {
            qb.push(" AND at >= ").push_bind(from);
        }
        if let Some(until) = f.until {
            qb.push(" AND at < ").push_bind(until);
        }
        if let Some(before) = f.before_id {
            qb.push(" AND id < ").push_bind(before);
        }
        let limit = if f.limit == 0 {
            DEFAULT_AUDIT_LIMIT
        } else {
            f.limit.min(MAX_PAGE)
        };
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(limit));
        qb.build().fetch_all_mapped(self.reader(), audit_row).await
    }

    async fn count_audit(&self) -> StoreResult<i64> {
        query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(self.reader())
            .await
            .map_err(db)
    }
}
