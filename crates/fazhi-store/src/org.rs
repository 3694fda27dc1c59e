//! Regions and units ([`OrgStore`]).

use crate::prelude::*;

// ---------------------------------------------------------------------------------------
// Writes shared by the single-row methods and the import

/// Inserts a region under the parent whose path is `parent_path` (`""` for a root).
pub(crate) async fn insert_region(
    c: &mut DbConn,
    parent_id: Option<RegionId>,
    parent_path: &str,
    code: &str,
    name: &str,
    level: RegionLevel,
) -> StoreResult<Region> {
    let id: i64 = query_scalar(
        "INSERT INTO regions (parent_id, code, name, level, path) VALUES ($1, $2, $3, $4, '') \
         RETURNING id",
    )
    .bind(parent_id)
    .bind(code)
    .bind(name)
    .bind(level.key())
    .fetch_one(&mut *c)
    .await
    .map_err(|e| unique_or(e, || format!("区划代码“{code}”已存在")))?;
    let path_text = format!(
        "{}{id}/",
        if parent_path.is_empty() {
            "/"
        } else {
            parent_path
        }
    );
    query("UPDATE regions SET path = $1 WHERE id = $2")
        .bind(&path_text)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    Ok(Region {
        id: RegionId(id),
        parent_id,
        code: code.to_string(),
        name: name.to_string(),
        level,
        path: path_from_text(&path_text)?,
    })
}

/// Moves a region (and so its whole subtree) under `new_parent`; the caller has checked
/// that this makes no cycle.
pub(crate) async fn move_region(
    c: &mut DbConn,
    region: &Region,
    new_parent: Option<RegionId>,
) -> StoreResult<()> {
    let old_path = path_to_text(&region.path);
    let parent_path = match new_parent {
        Some(p) => region_path(&mut *c, p)
            .await?
            .ok_or(StoreError::NotFound("上级区划"))?,
        None => String::new(),
    };
    let new_path = format!(
        "{}{}/",
        if parent_path.is_empty() {
            "/"
        } else {
            &parent_path
        },
        region.id
    );
    let (lo, hi) = subtree_range(&old_path);
    // Positions in `substr` count characters; paths are ASCII.
    query(
        "UPDATE regions SET path = $1 || substr(path, CAST($2 AS INTEGER)) \
         WHERE path >= $3 AND path < $4",
    )
    .bind(&new_path)
    .bind(old_path.len() as i64 + 1)
    .bind(lo)
    .bind(hi)
    .execute(&mut *c)
    .await
    .map_err(db)?;
    query("UPDATE regions SET parent_id = $1 WHERE id = $2")
        .bind(new_parent)
        .bind(region.id)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn insert_unit(c: &mut DbConn, new: &NewUnit) -> StoreResult<UnitId> {
    query_scalar::<i64>(
        "INSERT INTO units (region_id, code, name, short_name, kind) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(new.region_id)
    .bind(new.code.as_str())
    .bind(&new.name)
    .bind(&new.short_name)
    .bind(new.kind.key())
    .fetch_one(&mut *c)
    .await
    .map(UnitId)
    .map_err(|e| unique_or(e, || format!("单位代码“{}”已存在", new.code)))
}

pub(crate) async fn write_unit(c: &mut DbConn, id: UnitId, new: &NewUnit) -> StoreResult<()> {
    query(
        "UPDATE units SET region_id = $1, code = $2, name = $3, short_name = $4, kind = $5 \
         WHERE id = $6",
    )
    .bind(new.region_id)
    .bind(new.code.as_str())
    .bind(&new.name)
    .bind(&new.short_name)
    .bind(new.kind.key())
    .bind(id)
    .execute(&mut *c)
    .await
    .map_err(|e| unique_or(e, || format!("单位代码“{}”已存在", new.code)))?;
    Ok(())
}

// The traits

#[async_trait]
impl<S: Backend> OrgStore for S {
    async fn create_region(&self, actor: &Actor, new: &NewRegion) -> StoreResult<Region> {
        let mut tx = self.begin_write().await?;
        tx.lock_org().await?;
        let parent_path = match new.parent_id {
            Some(p) => region_path(&mut tx, p)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("上级区划（编号 {p}）不存在")))?,
            None => String::new(),
        };
        let region = insert_region(
            &mut tx,
            new.parent_id,
            &parent_path,
            new.code.as_str(),
            &new.name,
            new.level,
        )
        .await?;
        audit_and_commit(
            tx,
            actor,
            Change::new(
                "region.create",
                "region",
                Some(region.id.0),
                Placement::region(region.path.clone()),
            )
            .after(to_json(&region)),
        )
        .await?;
        Ok(region)
    }

    async fn update_region(
        &self,
        actor: &Actor,
        id: RegionId,
        name: &str,
        code: &fazhi_domain::RegionCode,
    ) -> StoreResult<Region> {
        let code = code.as_str();
        let mut tx = self.begin_write().await?;
        tx.lock_org().await?;
        let before = fetch_region(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound("区划"))?;
        query("UPDATE regions SET name = $1, code = $2 WHERE id = $3")
            .bind(name)
            .bind(code)
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(|e| unique_or(e, || format!("区划代码“{code}”已存在")))?;
        let after = Region {
            name: name.to_string(),
            code: code.to_string(),
            ..before.clone()
        };
        audit_and_commit(
            tx,
            actor,
            Change::new(
                "region.update",
                "region",
                Some(id.0),
                Placement::region(after.path.clone()),
            )
            .states(&before, &after),
        )
        .await?;
        Ok(after)
    }

    async fn region(&self, id: RegionId) -> StoreResult<Region> {
        fetch_region(self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound("区划"))
    }

    async fn regions(&self) -> StoreResult<Vec<Region>> {
        let sql = format!("SELECT {REGION_COLS} FROM regions ORDER BY path, id");
        query(&sql)
            .fetch_all_mapped(self.reader(), region_row)
            .await
    }

    async fn create_unit(&self, actor: &Actor, new: &NewUnit) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        tx.lock_org().await?;
        let path = unit_region_path(&mut tx, new).await?;
        let id = insert_unit(&mut tx, new).await?;
        let unit = unit_of(id, new, &path)?;
        audit_and_commit(
            tx,
            actor,
            Change::new(
                "unit.create",
                "unit",
                Some(id.0),
                Placement::unit(id, unit.region_path.clone()),
            )
            .after(to_json(&unit)),
        )
        .await?;
        Ok(unit)
    }

    async fn update_unit(&self, actor: &Actor, id: UnitId, new: &NewUnit) -> StoreResult<Unit> {
        let mut tx = self.begin_write().await?;
        tx.lock_org().await?;
        let before = fetch_unit(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound("单位"))?;
        let path = unit_region_path(&mut tx, new).await?;
        write_unit(&mut tx, id, new).await?;
        let after = unit_of(id, new, &path)?;
        audit_and_commit(
            tx,
            actor,
            Change::new(
                "unit.update",
                "unit",
                Some(id.0),
                Placement::unit(id, after.region_path.clone()),
            )
            .states(&before, &after),
        )
        .await?;
        Ok(after)
    }

    async fn unit(&self, id: UnitId) -> StoreResult<Unit> {
        fetch_unit(self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound("单位"))
    }

    async fn units(&self, below: Option<RegionId>) -> StoreResult<Vec<Unit>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT {UNIT_COLS} FROM units un JOIN regions ur ON ur.id = un.region_id"
        ));
        if let Some(r) = below {
            let path = region_path(self.reader(), r)
                .await?
                .ok_or(StoreError::NotFound("区划"))?;
            let (lo, hi) = subtree_range(&path);
            qb.push(" WHERE ur.path >= ")
                .push_bind(lo)
                .push(" AND ur.path < ")
                .push_bind(hi);
        }
        qb.push(" ORDER BY ur.path, un.name, un.id");
        qb.build().fetch_all_mapped(self.reader(), unit_row).await
    }

    async fn import_org(
        &self,
        actor: &Actor,
        rows: &[OrgRow],
        lines: &[usize],
    ) -> StoreResult<ImportSummary> {
        if rows.len() != lines.len() {
            return Err(StoreError::Invalid(format!(
                "导入数据有误：{} 行数据却有 {} 个行号",
                rows.len(),
                lines.len()
            )));
        }
        let rows: Vec<(usize, OrgRow)> = lines.iter().copied().zip(rows.iter().cloned()).collect();
        let mut tx = self.begin_write().await?;
        tx.lock_org().await?;
        let now = snapshot(&mut tx).await?;
        let plan = fazhi_domain::org::plan_import(&now, &rows)
            .map_err(|refusal| StoreError::Rows(refusal.errors))?;
        let sum = apply_plan(&mut tx, actor, &plan).await?;
        tx.commit().await.map_err(db)?;
        Ok(sum)
    }

    async fn org_snapshot(&self) -> StoreResult<OrgSnapshot> {
        let mut c = self.reader().acquire().await.map_err(db)?;
        snapshot(&mut c).await
    }

    async fn apply_org_plan(&self, actor: &Actor, plan: &ImportPlan) -> StoreResult<ImportSummary> {
        let mut tx = self.begin_write().await?;
        tx.lock_org().await?;
        // The plan holds for the organisation it was made against; a change in between
        // (another import, a form) refuses it rather than apply it to a different tree.
        if snapshot(&mut tx).await? != *plan.basis() {
            return Err(StoreError::Conflict(ORG_CHANGED.into()));
        }
        let sum = apply_plan(&mut tx, actor, plan).await?;
        tx.commit().await.map_err(db)?;
        Ok(sum)
    }
}

/// An import plan refused because the organisation changed since it was made.
const ORG_CHANGED: &str = "组织机构在导入期间已被修改，请重新导入";

/// The path of the region a unit is placed in, refused when the region does not exist.
async fn unit_region_path(c: &mut DbConn, new: &NewUnit) -> StoreResult<String> {
    region_path(c, new.region_id)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("所属区划（编号 {}）不存在", new.region_id)))
}

/// The unit `id` as written from `new`, placed at `path`.
fn unit_of(id: UnitId, new: &NewUnit, path: &str) -> StoreResult<Unit> {
    Ok(Unit {
        id,
        region_id: new.region_id,
        code: new.code.to_string(),
        name: new.name.clone(),
        short_name: new.short_name.clone(),
        kind: new.kind,
        region_path: path_from_text(path)?,
    })
}
