//! The organisation import: a plan made by `fazhi_domain::org` against a snapshot of the
//! tree, applied step by step in one transaction.

use crate::prelude::*;

pub(crate) async fn all_regions(c: &mut DbConn) -> StoreResult<Vec<Region>> {
    let sql = format!("SELECT {REGION_COLS} FROM regions ORDER BY path, id");
    query(&sql).fetch_all_mapped(&mut *c, region_row).await
}

pub(crate) async fn all_units(c: &mut DbConn) -> StoreResult<Vec<Unit>> {
    let sql = format!(
        "SELECT {UNIT_COLS} FROM units un JOIN regions ur ON ur.id = un.region_id ORDER BY un.id"
    );
    query(&sql).fetch_all_mapped(&mut *c, unit_row).await
}

/// The id of a region by code, in the transaction (rows created earlier in the batch count).
pub(crate) async fn region_id_by_code(c: &mut DbConn, code: &str) -> StoreResult<RegionId> {
    query_scalar::<i64>("SELECT id FROM regions WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *c)
        .await
        .map_err(db)?
        .map(RegionId)
        .ok_or(StoreError::NotFound("区划"))
}

/// Applies one step of a plan, counting it in `sum` and its place in `places` (the summary
/// entry sits where all changed rows meet).
pub(crate) async fn apply_step(
    c: &mut DbConn,
    actor: &Actor,
    step: &ImportStep,
    sum: &mut ImportSummary,
    places: &mut Vec<Placement>,
) -> StoreResult<()> {
    let (place, counter) = match step {
        ImportStep::CreateRegion {
            code,
            name,
            level,
            parent,
        } => (
            create_region_row(c, actor, code, name, *level, parent.as_deref()).await?,
            &mut sum.regions_created,
        ),
        ImportStep::UpdateRegion {
            id,
            name,
            level,
            parent,
        } => (
            update_region_row(c, actor, *id, name, *level, parent.as_deref()).await?,
            &mut sum.regions_updated,
        ),
        ImportStep::CreateUnit {
            code,
            name,
            short_name,
            kind,
            region,
        } => (
            create_unit_row(c, actor, code, name, short_name, *kind, region).await?,
            &mut sum.units_created,
        ),
        ImportStep::UpdateUnit {
            id,
            name,
            short_name,
            kind,
            region,
        } => (
            update_unit_row(c, actor, *id, name, short_name, *kind, region).await?,
            &mut sum.units_updated,
        ),
    };
    if let Some(place) = place {
        *counter += 1;
        places.push(place);
    }
    Ok(())
}

/// Applies one row; `None` when it changes nothing (no audit entry, not counted).
async fn create_region_row(
    c: &mut DbConn,
    actor: &Actor,
    code: &str,
    name: &str,
    level: RegionLevel,
    parent: Option<&str>,
) -> StoreResult<Option<Placement>> {
    let (parent_id, parent_path) = match parent {
        Some(p) => {
            let id = region_id_by_code(c, p).await?;
            (
                Some(id),
                region_path(&mut *c, id).await?.unwrap_or_default(),
            )
        }
        None => (None, String::new()),
    };
    let region = insert_region(c, parent_id, &parent_path, code, name, level).await?;
    let place = Placement::region(region.path.clone());
    append_audit(
        c,
        actor,
        Change::new("region.create", "region", Some(region.id.0), place.clone())
            .after(to_json(&region)),
    )
    .await?;
    Ok(Some(place))
}

/// Applies one row; `None` when it changes nothing (no audit entry, not counted).
async fn update_region_row(
    c: &mut DbConn,
    actor: &Actor,
    id: RegionId,
    name: &str,
    level: RegionLevel,
    parent: Option<&str>,
) -> StoreResult<Option<Placement>> {
    let before = fetch_region(&mut *c, id)
        .await?
        .ok_or(StoreError::NotFound("区划"))?;
    let parent_id = match parent {
        Some(p) => Some(region_id_by_code(c, p).await?),
        None => None,
    };
    if before.name == *name && before.level == level && before.parent_id == parent_id {
        return Ok(None);
    }
    query("UPDATE regions SET name = $1, level = $2 WHERE id = $3")
        .bind(name)
        .bind(level.key())
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db)?;
    if before.parent_id != parent_id {
        move_region(c, &before, parent_id).await?;
    }
    let after = fetch_region(&mut *c, id)
        .await?
        .ok_or(StoreError::NotFound("区划"))?;
    let place = Placement::region(after.path.clone());
    append_audit(
        c,
        actor,
        Change::new("region.update", "region", Some(id.0), place.clone()).states(&before, &after),
    )
    .await?;
    Ok(Some(place))
}

/// Applies one row; `None` when it changes nothing (no audit entry, not counted).
async fn create_unit_row(
    c: &mut DbConn,
    actor: &Actor,
    code: &str,
    name: &str,
    short_name: &str,
    kind: UnitKind,
    region: &str,
) -> StoreResult<Option<Placement>> {
    let region_id = region_id_by_code(c, region).await?;
    let new = NewUnit {
        region_id,
        // The plan parsed the code ([`fazhi_domain::org::plan_import`]).
        code: fazhi_domain::UnitCode::parse(code)
            .map_err(|p| StoreError::Invalid(p.message("单位代码")))?,
        name: name.to_string(),
        short_name: short_name.to_string(),
        kind,
    };
    let id = insert_unit(c, &new).await?;
    let unit = fetch_unit(&mut *c, id)
        .await?
        .ok_or(StoreError::NotFound("单位"))?;
    let place = Placement::unit(id, unit.region_path.clone());
    append_audit(
        c,
        actor,
        Change::new("unit.create", "unit", Some(id.0), place.clone()).after(to_json(&unit)),
    )
    .await?;
    Ok(Some(place))
}

/// Applies one row; `None` when it changes nothing (no audit entry, not counted).
async fn update_unit_row(
    c: &mut DbConn,
    actor: &Actor,
    id: UnitId,
    name: &str,
    short_name: &str,
    kind: UnitKind,
    region: &str,
) -> StoreResult<Option<Placement>> {
    let before = fetch_unit(&mut *c, id)
        .await?
        .ok_or(StoreError::NotFound("单位"))?;
    let region_id = region_id_by_code(c, region).await?;
    if before.name == *name
        && before.short_name == *short_name
        && before.kind == kind
        && before.region_id == region_id
    {
        return Ok(None);
    }
    let new = NewUnit {
        region_id,
        code: fazhi_domain::UnitCode::from_stored(before.code.clone()),
        name: name.to_string(),
        short_name: short_name.to_string(),
        kind,
    };
    write_unit(c, id, &new).await?;
    let after = fetch_unit(&mut *c, id)
        .await?
        .ok_or(StoreError::NotFound("单位"))?;
    let place = Placement::unit(id, after.region_path.clone());
    append_audit(
        c,
        actor,
        Change::new("unit.update", "unit", Some(id.0), place.clone()).states(&before, &after),
    )
    .await?;
    Ok(Some(place))
}

/// The organisation as it is in the transaction (regions ordered by path).
pub(crate) async fn snapshot(c: &mut DbConn) -> StoreResult<OrgSnapshot> {
    Ok(OrgSnapshot {
        regions: all_regions(&mut *c).await?,
        units: all_units(&mut *c).await?,
    })
}

/// Applies the rows of a plan, then the `org.import` summary entry placed where all changed
/// rows meet.
pub(crate) async fn apply_plan(
    c: &mut DbConn,
    actor: &Actor,
    plan: &ImportPlan,
) -> StoreResult<ImportSummary> {
    let mut sum = ImportSummary::default();
    let mut places = Vec::new();
    for row in plan.rows() {
        apply_step(&mut *c, actor, &row.step, &mut sum, &mut places).await?;
    }
    append_audit(
        c,
        actor,
        Change::new("org.import", "org", None, common_placement(&places)).after(to_json(&sum)),
    )
    .await?;
    Ok(sum)
}
