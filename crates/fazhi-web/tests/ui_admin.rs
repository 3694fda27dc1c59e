//! The admin's pages: the organisation (forms, import with every bad row reported, export),
//! accounts (one-time passwords, disable, reset, roles) and the audit log.

mod common;

use common::{csv_text, Browser, TestApp, World};
use fazhi_domain::RegionLevel;
use reqwest::StatusCode;

async fn import(b: &Browser, name: &str, bytes: Vec<u8>, hx: bool) -> common::Page {
    let csrf = b.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let mut req = b.raw.post(b.url("/admin/org/import")).multipart(form);
    if hx {
        req = req.header("HX-Request", "true");
    }
    common::Page::of(req.send().await.unwrap()).await
}

#[tokio::test]
async fn the_admin_manages_the_organisation() {
    let (app, w, admin) = World::signed_in("admin").await;

    let page = admin.get("/admin/org").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "青川市",
        "青川市东湖区",
        "青川市西岭区",
        "青川市东湖区司法局",
        "青川市西岭区司法局",
    ] {
        assert!(page.body.contains(name), "{name}");
    }
    assert!(
        page.body.contains("<option value=\"root\">"),
        "a root admin may add top regions"
    );
    let csrf = admin.csrf().await;

    let east = w.east.id.to_string();
    let created = admin
        .post_form(
            "/admin/org/regions",
            &[
                ("csrf_token", &csrf),
                ("parent", &east),
                ("name", "青川市东湖区城关街道"),
                ("code", "991002001"),
                ("level", "township"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), Some("/admin/org?done=region_created"));
    let page = admin.get("/admin/org?done=region_created").await;
    assert!(page.body.contains("已新增区域") && page.body.contains("青川市东湖区城关街道"));

    let unit = admin
        .post_form(
            "/admin/org/units",
            &[
                ("csrf_token", &csrf),
                ("region", &east),
                ("name", "青川市东湖区财政局"),
                ("short_name", "区财政局"),
                ("code", "99100203"),
                ("kind", "department"),
            ],
        )
        .await;
    assert_eq!(unit.location(), Some("/admin/org?done=unit_created"));

    // The same code again: the page again, with the store's message.
    let dup = admin
        .post_form(
            "/admin/org/units",
            &[
                ("csrf_token", &csrf),
                ("region", &east),
                ("name", "重复"),
                ("code", "99100203"),
                ("kind", "department"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(
        dup.is_full_page() && dup.body.contains("alert-error"),
        "{}",
        dup.body
    );

    // Renaming a unit.
    let id = w.unit_b.id.to_string();
    let renamed = admin
        .post_form(
            &format!("/admin/org/units/{id}"),
            &[
                ("csrf_token", &csrf),
                ("region", &east),
                ("name", "青川市东湖区教育体育局"),
                ("short_name", "区教体局"),
                ("code", "99100202"),
                ("kind", "department"),
            ],
        )
        .await;
    assert_eq!(
        renamed.location(),
        Some("/admin/org?done=unit_updated"),
        "{}",
        renamed.body
    );
    assert!(admin
        .get("/admin/org")
        .await
        .body
        .contains("青川市东湖区教育体育局"));

    // Others may not.
    let staff = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    assert_eq!(staff.get("/admin/org").await.status, StatusCode::FORBIDDEN);
    let csrf_s = staff.csrf().await;
    let refused = staff
        .post_form(
            "/admin/org/regions",
            &[
                ("csrf_token", &csrf_s),
                ("parent", &east),
                ("name", "x"),
                ("code", "x1"),
                ("level", "township"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_import_with_bad_rows_imports_nothing_and_lists_them_all() {
    let (_app, w, admin) = World::signed_in("admin").await;

    let bad = "类别,代码,名称,简称,类型,上级代码\n\
               区域,991004,青川市南山区,,县区,991000\n\
               单位,99100401,青川市南山区司法局,,司法局,991004\n\
               单位,99100402,青川市南山区某局,,不知道,991004\n\
               单位,99100403,青川市北山区司法局,,司法局,999999\n";
    let page = import(&admin, "机构.csv", bad.as_bytes().to_vec(), false).await;
    page.assert_full(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("未导入任何数据"), "{}", page.body);
    assert!(
        page.body.contains("<td class=\"n\">第 4 行</td>"),
        "the unknown kind: {}",
        page.body
    );
    assert!(
        !page.body.contains("青川市南山区司法局</a>"),
        "nothing imported"
    );

    // The store's own check (an unknown region code) also lists its row.
    let unknown_parent =
        "类别,代码,名称,简称,类型,上级代码\n单位,99100403,青川市北山区司法局,,司法局,999999\n";
    let page = import(&admin, "机构.csv", unknown_parent.as_bytes().to_vec(), true).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page.is_full_page(), "htmx gets the result partial");
    assert!(
        page.body.contains("<td class=\"n\">第 2 行</td>"),
        "{}",
        page.body
    );

    let good = "类别,代码,名称,简称,类型,上级代码\n\
                区域,991004,青川市南山区,,县区,991000\n\
                单位,99100401,青川市南山区司法局,区司法局,司法局,991004\n";
    let page = import(&admin, "机构.csv", good.as_bytes().to_vec(), false).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page
        .body
        .contains("导入完成：新增区域 1 个、更新区域 0 个，新增单位 1 个、更新单位 0 个"));
    assert!(page.body.contains("青川市南山区司法局</a>"));

    // The export reads back in: a BOM, the header, every region and unit.
    let resp = admin.download("/admin/org/export.csv").await;
    let bytes = resp.bytes().await.unwrap();
    let text = csv_text(&bytes);
    assert!(text.starts_with("类别,代码,名称,简称,类型,上级代码"));
    assert!(text.contains("单位,99100401,青川市南山区司法局,区司法局,"));
    let again = import(&admin, "导出.csv", bytes.to_vec(), false).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let xlsx = admin.download("/admin/org/export.xlsx").await;
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let _ = w;
}

#[tokio::test]
async fn the_admin_opens_accounts_with_one_time_passwords() {
    let (app, w, admin) = World::signed_in("admin").await;

    let page = admin.get("/admin/users").await;
    assert_eq!(page.status, StatusCode::OK);
    for login in ["admin", "dc", "staff_a", "leader_a", "staff_c"] {
        assert!(
            page.body
                .contains(&format!("<td class=\"nowrap\">{login}</td>")),
            "{login}"
        );
    }
    assert!(page.body.contains("单位填报员 · 青川市东湖区司法局"));
    let csrf = admin.csrf().await;
    let node = format!("u{}", w.unit_b.id);
    let created = admin
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("login", "lisi"),
                ("display_name", "李四"),
                ("role", "unit_staff"),
                ("node", &node),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let otp = created.text_after("<span class=\"secret\" id=\"one-time-password\">", '<');
    assert_eq!(otp.len(), 12);
    // Shown once: the list does not carry it.
    assert!(!admin.get("/admin/users").await.body.contains(&otp));

    // The new person must change it first.
    let lisi = app.browser();
    let login = lisi.login("lisi", &otp).await;
    assert_eq!(login.location(), Some("/account/password"));

    // A taken login: the form again with the message.
    let dup = admin
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("login", "lisi"),
                ("display_name", "另一个"),
                ("role", "unit_staff"),
                ("node", &node),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    // Disable: the login stops working; enable again; reset gives a new one-time password.
    let id = app.store.user_by_login("lisi").await.unwrap().unwrap().id;
    let page = admin
        .post_csrf(&format!("/admin/users/{id}/disable"), &csrf)
        .await;
    assert_eq!(page.location(), Some("/admin/users?done=user_disabled"));
    assert_eq!(
        app.browser().login("lisi", &otp).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    admin
        .post_csrf(&format!("/admin/users/{id}/enable"), &csrf)
        .await;
    let reset = admin
        .post_csrf(&format!("/admin/users/{id}/reset-password"), &csrf)
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert!(reset.body.contains("密码已重置"));
    assert_eq!(
        reset.header("cache-control"),
        Some("no-store"),
        "a page showing a one-time password is never cached"
    );
    let otp2 = reset.text_after("id=\"one-time-password\">", '<');
    assert_ne!(otp, otp2);
    assert_eq!(
        app.browser().login("lisi", &otp2).await.location(),
        Some("/account/password")
    );

    // Grant and revoke a role.
    let grant = admin
        .post_form(
            &format!("/admin/users/{id}/grants"),
            &[
                ("csrf_token", &csrf),
                ("role", "supervisor"),
                ("node", &format!("r{}", w.east.id)),
            ],
        )
        .await;
    assert_eq!(grant.location(), Some("/admin/users?done=granted"));
    let grants = app.store.grants(id).await.unwrap();
    assert_eq!(grants.len(), 2);
    let sup = grants
        .iter()
        .find(|g| g.grant.role == fazhi_domain::Role::Supervisor)
        .unwrap();
    let revoke = admin
        .post_csrf(&format!("/admin/grants/{}/revoke", sup.id), &csrf)
        .await;
    assert_eq!(revoke.location(), Some("/admin/users?done=revoked"));
    assert_eq!(app.store.grants(id).await.unwrap().len(), 1);

    // Not for others.
    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    assert_eq!(dc.get("/admin/users").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_audit_log_filters_pages_and_exports() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    // Sixty changes below 东湖区, enough for two pages.
    for i in 0..60 {
        app.region(
            Some(&w.east),
            &format!("99100290{i:02}"),
            &format!("测试街道{i}"),
            RegionLevel::Township,
        )
        .await;
    }
    let admin = Browser::signed_in(&app.base, "admin", World::PASSWORD).await;
    let page = admin.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("本页 <b>50</b> 条"));
    assert!(page.body.contains("新增区域"));
    assert!(
        page.body
            .contains("<span class=\"k\">name：</span><span class=\"new\">测试街道59</span>"),
        "after values shown"
    );
    let older = page
        .body
        .split("href=\"/audit?before=")
        .nth(1)
        .expect("a link to older entries");
    let before: i64 = older.split('"').next().unwrap().parse().unwrap();
    let next = admin.hx_get(&format!("/audit?before={before}")).await;
    assert!(!next.is_full_page());
    assert!(next.body.contains("更早的记录"));
    assert!(
        !next.body.contains("测试街道59<"),
        "the newest are on the first page"
    );

    // Filters: by action prefix and actor.
    let logins = admin.get("/audit?action=session").await;
    assert!(
        logins.body.contains("<code>session.login</code>")
            && !logins.body.contains("<code>region.create</code>")
    );
    let by_admin = admin.get("/audit?actor=admin&action=session.login").await;
    assert!(
        by_admin.body.contains("本页 <b>1</b> 条"),
        "{}",
        by_admin.body
    );
    let bad_date = admin.get("/audit?from=2025-13-40").await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The export of the filtered entries.
    let resp = admin.download("/audit.csv?action=region.create").await;
    let bytes = resp.bytes().await.unwrap();
    let text = csv_text(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "编号,时间,操作人,来源地址,操作,操作说明,对象类型,对象编号,修改前,修改后"
    );
    assert_eq!(
        lines.len(),
        1 + 63,
        "three regions of the world and sixty more"
    );
    assert!(lines
        .iter()
        .skip(1)
        .all(|l| l.contains(",region.create,新增区域,region,")));

    // The supervisor reads his region's log; staff do not.
    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    let page = dc.get("/audit?action=region").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("测试街道") && !page.body.contains("青川市西岭区<"));
    let staff = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    assert_eq!(staff.get("/audit").await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.get("/audit.csv").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_view_has_a_full_page_and_a_partial() {
    let (app, w, admin) = World::signed_in("admin").await;

    let pages = [
        "/".to_string(),
        format!("/units/{}", w.unit_a.id),
        "/supervise".to_string(),
        format!("/regions/{}/units?year=2024", w.city.id),
        "/admin/org".to_string(),
        "/admin/users".to_string(),
        "/audit".to_string(),
        "/account/password".to_string(),
        "/account/tokens".to_string(),
    ];
    for path in &pages {
        let full = admin.get(path).await;
        assert_eq!(full.status, StatusCode::OK, "{path}");
        assert!(full.is_full_page(), "{path}");
        assert!(full.body.contains("法治政府建设年度报告平台"), "{path}");
        let part = admin.hx_get(path).await;
        assert_eq!(part.status, StatusCode::OK, "{path}");
        assert!(
            !part.is_full_page() && !part.body.contains("<html"),
            "{path}"
        );
        assert!(!part.body.trim().is_empty(), "{path}");
    }
    let login = app.browser().hx_get("/login").await;
    assert!(!login.is_full_page() && login.body.contains("name=\"csrf_token\""));
}
