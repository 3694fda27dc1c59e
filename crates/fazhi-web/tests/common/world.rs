//! The small organisation the page tests share.

use super::{Browser, TestApp};
use fazhi_domain::{Node, RegionLevel, Role, UnitKind};
use fazhi_store::{Region, Unit};

/// A small organisation most tests need: 青川市 ─ 东湖区 ─ 东湖区司法局 (unit A),
/// 东湖区教育局 (unit B); 青川市 ─ 西岭区 ─ 西岭区司法局 (unit C); and accounts: an admin at
/// the city, a supervisor of 东湖区, staff and a leader of unit A, staff of unit C. Every
/// password is [`World::PASSWORD`].
pub struct World {
    pub city: Region,
    pub east: Region,
    pub west: Region,
    pub unit_a: Unit,
    pub unit_b: Unit,
    pub unit_c: Unit,
}

impl World {
    pub const PASSWORD: &'static str = "Qingchuan-2025";

    /// A server with the world in it, and a browser signed in as `login`.
    pub async fn signed_in(login: &str) -> (TestApp, World, Browser) {
        let app = TestApp::spawn().await;
        let w = World::build(&app).await;
        let b = Browser::signed_in(&app.base, login, World::PASSWORD).await;
        (app, w, b)
    }

    pub async fn build(app: &TestApp) -> World {
        let (city, east, west) = regions(app).await;
        let unit_a = app
            .unit(
                &east,
                "99100201",
                "青川市东湖区司法局",
                "区司法局",
                UnitKind::Supervising,
            )
            .await;
        let unit_b = app
            .unit(
                &east,
                "99100202",
                "青川市东湖区教育局",
                "区教育局",
                UnitKind::Department,
            )
            .await;
        let unit_c = app
            .unit(
                &west,
                "99100301",
                "青川市西岭区司法局",
                "",
                UnitKind::Supervising,
            )
            .await;
        let p = World::PASSWORD;
        app.user("admin", p, &[(Role::Admin, Node::Region(city.id))])
            .await;
        app.user("dc", p, &[(Role::Supervisor, Node::Region(east.id))])
            .await;
        app.user("staff_a", p, &[(Role::UnitStaff, Node::Unit(unit_a.id))])
            .await;
        app.user("leader_a", p, &[(Role::UnitLeader, Node::Unit(unit_a.id))])
            .await;
        app.user("staff_c", p, &[(Role::UnitStaff, Node::Unit(unit_c.id))])
            .await;
        World {
            city,
            east,
            west,
            unit_a,
            unit_b,
            unit_c,
        }
    }
}

/// 青川市 and the two counties below it, 东湖区 and 西岭区 (the API tests' world has them too).
pub async fn regions(app: &TestApp) -> (Region, Region, Region) {
    let city = app
        .region(None, "991000", "青川市", RegionLevel::City)
        .await;
    let east = app
        .region(Some(&city), "991002", "青川市东湖区", RegionLevel::County)
        .await;
    let west = app
        .region(Some(&city), "991003", "青川市西岭区", RegionLevel::County)
        .await;
    (city, east, west)
}
