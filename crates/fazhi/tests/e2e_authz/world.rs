//! The world the cases run in: the demo server's organisation, the people of each role
//! with their sessions and tokens, and the objects (uploads, ledger records) they act on.

use super::*;

impl Ctx {
    pub(crate) fn next(&self) -> u64 {
        let n = self.seq.get() + 1;
        self.seq.set(n);
        n
    }

    pub(crate) fn id(v: &Value) -> i64 {
        v["id"].as_i64().expect("id")
    }

    pub(crate) fn unit_a_id(&self) -> i64 {
        Ctx::id(&self.unit_a)
    }

    pub(crate) fn unit_b_id(&self) -> i64 {
        Ctx::id(&self.unit_b)
    }

    pub(crate) fn person(&self, role: Role) -> &Person {
        &self.people[&role]
    }

    /// The credentials a role uses on a surface.
    pub(crate) fn auth(&self, role: Role, surface: Surface) -> Auth {
        match (role, surface) {
            (Role::Public, _) => Auth::Anon,
            (_, Surface::ApiBearer) => self.person(role).token.clone(),
            _ => self.person(role).session.clone(),
        }
    }

    /// Whether a role reads a unit (by its region path) under the rule.
    pub(crate) fn reads_unit(&self, role: Role, unit: &Value) -> bool {
        let id = Ctx::id(unit);
        let path: Vec<i64> = unit["region_path"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        match role {
            Role::Public => false,
            Role::Admin | Role::SupCity => path.contains(&self.city),
            Role::SupCounty => path.contains(&self.county_a),
            Role::StaffA | Role::LeaderA => id == self.unit_a_id(),
            Role::StaffB => id == self.unit_b_id(),
        }
    }

    /// A token of `owner`, made now (for the revoke cases).
    pub(crate) fn fresh_token_id(&self, owner: Role) -> i64 {
        let r = self.c.call(
            "POST",
            "/api/v1/me/tokens",
            &self.person(owner).token,
            &Body::Json(json!({"name": format!("e2e-{}", self.next())})),
        );
        assert_eq!(r.status, 201, "token for {owner:?}: {}", r.snippet());
        r.json()["token"]["id"].as_i64().unwrap()
    }

    pub(crate) fn victim_grants(&self) -> Vec<Value> {
        self.c
            .get_json(&format!("/api/v1/users/{}", self.victim), &self.admin)["grants"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// The grant (victim, 单位负责人, other unit of county A): its id, made if missing.
    pub(crate) fn ensure_grant(&self) -> i64 {
        let find = |gs: &[Value]| {
            gs.iter()
                .find(|g| {
                    g["role"] == "unit_leader"
                        && g["node"]["type"] == "unit"
                        && g["node"]["id"] == self.other_unit_a
                })
                .and_then(|g| g["id"].as_i64())
        };
        if let Some(id) = find(&self.victim_grants()) {
            return id;
        }
        let v = self.c.post_json_ok(
            &format!("/api/v1/users/{}/grants", self.victim),
            &self.admin,
            json!({"role": "unit_leader", "node": {"type": "unit", "id": self.other_unit_a}}),
        );
        v["id"]
            .as_i64()
            .unwrap_or_else(|| find(&self.victim_grants()).expect("grant made"))
    }

    /// Removes that grant so that granting it can succeed.
    pub(crate) fn ensure_no_grant(&self) {
        for g in self.victim_grants() {
            if g["role"] == "unit_leader" && g["node"]["id"] == self.other_unit_a {
                let r = self.c.call(
                    "DELETE",
                    &format!("/api/v1/grants/{}", g["id"]),
                    &self.admin,
                    &Body::None,
                );
                assert!(r.is_success(), "revoke for setup: {}", r.snippet());
            }
        }
    }

    /// A session of `role` nobody else uses (for logging out): one the login cases opened
    /// if it still works, else a new one.
    pub(crate) fn spare_session(&self, role: Role) -> Auth {
        while let Some(a) = self.person(role).spare.borrow_mut().pop() {
            if self.alive(&a) {
                return a;
            }
        }
        let p = self.person(role);
        self.c.must_login(&p.login, &p.password.borrow())
    }

    pub(crate) fn alive(&self, a: &Auth) -> bool {
        self.c.get("/api/v1/me", a).status == 200
    }

    /// The role's session, or a new one if a password change ended it.
    pub(crate) fn live_session(&self, role: Role) -> Auth {
        let s = self.person(role).session.clone();
        if self.alive(&s) {
            s
        } else {
            let p = self.person(role);
            self.c.must_login(&p.login, &p.password.borrow())
        }
    }

    /// A ledger record as the admin reads it now.
    pub(crate) fn ledger_record(&self, rid: i64) -> Value {
        self.c
            .get_json(&format!("/api/v1/ledger/records/{rid}"), &self.admin)
    }

    /// Puts a record in the deleted or live state (by the admin) before a case changes it.
    pub(crate) fn set_deleted(&self, rid: i64, deleted: bool) {
        let now = !self.ledger_record(rid)["deleted_at"].is_null();
        if now == deleted {
            return;
        }
        let r = if deleted {
            self.c.call(
                "DELETE",
                &format!("/api/v1/ledger/records/{rid}"),
                &self.admin,
                &Body::None,
            )
        } else {
            self.c.call(
                "POST",
                &format!("/api/v1/ledger/records/{rid}/restore"),
                &self.admin,
                &Body::None,
            )
        };
        assert!(r.is_success(), "ledger setup: {}", r.snippet());
    }

    /// A new attachment of a record (by the admin): its id.
    pub(crate) fn fresh_attachment(&self, rid: i64) -> i64 {
        let r = self.c.call(
            "POST",
            &format!(
                "/api/v1/ledger/records/{rid}/attachments?filename=e2e-{}.txt",
                self.next()
            ),
            &self.admin,
            &Body::Raw {
                content_type: "text/plain".into(),
                bytes: format!("签到表 {}", self.next()).into_bytes(),
            },
        );
        assert_eq!(r.status, 201, "attachment for setup: {}", r.snippet());
        r.json()["id"].as_i64().unwrap()
    }

    /// The edit form of a record with its current text and version.
    pub(crate) fn ledger_edit_form(&self, rid: i64) -> Body {
        let rec = self.ledger_record(rid);
        let mut fields: Vec<(String, String)> = vec![
            ("year".into(), rec["year"].to_string()),
            ("version".into(), rec["version"].to_string()),
        ];
        for (k, v) in rec["fields_text"].as_object().unwrap() {
            fields.push((format!("f.{k}"), v.as_str().unwrap().to_string()));
        }
        for i in rec["indicators"].as_array().unwrap() {
            fields.push(("indicators".into(), i.as_str().unwrap().to_string()));
        }
        Body::Form(fields)
    }

    /// The API's update body of a record as it is now.
    pub(crate) fn ledger_put_body(&self, rid: i64) -> Body {
        let rec = self.ledger_record(rid);
        Body::Json(json!({
            "year": rec["year"],
            "fields": rec["fields"],
            "indicators": rec["indicators"],
            "version": rec["version"],
        }))
    }

    /// A one-row 学法 CSV for the imports.
    pub(crate) fn ledger_csv(&self) -> Vec<u8> {
        let y = self.ledger.year;
        format!(
            "年度,日期,学法形式,主题\n{y},{y}-05-06,集中学法,授权矩阵导入{}\n",
            self.next()
        )
        .into_bytes()
    }

    pub(crate) fn report(&self, unit: &str) -> Vec<u8> {
        report_txt(unit, 2024, 10_000 + self.next()).into_bytes()
    }
}

// ---------------------------------------------------------------------------------------
// Route lists the tables must cover

// ---------------------------------------------------------------------------------------
// Setup

pub(crate) fn find_user(users: &[Value], pred: impl Fn(&Value) -> bool) -> Option<&Value> {
    users.iter().find(|u| {
        u["grants"]
            .as_array()
            .is_some_and(|gs| gs.iter().any(&pred))
    })
}

pub(crate) fn setup(server: &Server) -> Ctx {
    let c = server.client();
    let lines = server.stdout.lock().unwrap().clone();
    let printed = demo_passwords(&lines, &["admin"]);
    let admin_pw = printed
        .get("admin")
        .unwrap_or_else(|| panic!("admin password in the demo output:\n{}", lines.join("\n")));
    let admin_session = c.must_login("admin", admin_pw);
    let admin = c.token(&admin_session, "e2e-admin");

    let regions = c.get_json("/api/v1/regions", &admin);
    let regions = regions.as_array().unwrap();
    let city = regions
        .iter()
        .find(|r| r["parent_id"].is_null())
        .expect("a root region");
    let city_id = Ctx::id(city);
    let counties: Vec<&Value> = regions
        .iter()
        .filter(|r| r["level"] == "county" && r["parent_id"] == city["id"])
        .collect();
    assert!(
        counties.len() >= 2,
        "the demo has at least two counties: {regions:?}"
    );
    let units = c
        .get_json("/api/v1/units", &admin)
        .as_array()
        .unwrap()
        .clone();
    let users = c
        .get_json("/api/v1/users", &admin)
        .as_array()
        .unwrap()
        .clone();
    let in_region = |u: &Value, r: i64| u["region_path"].as_array().unwrap().contains(&json!(r));

    // Unit A: a unit below a county that has a 填报员, a 负责人 and a county 督察员.
    let unit_of = |id: i64| units.iter().find(|u| u["id"] == id).cloned();
    let (unit_a, county_a) = users
        .iter()
        .flat_map(|u| u["grants"].as_array().unwrap().iter())
        .filter(|g| g["role"] == "unit_staff" && g["node"]["type"] == "unit")
        .filter_map(|g| unit_of(g["node"]["id"].as_i64().unwrap()))
        .find_map(|u| {
            let county = counties.iter().find(|c| in_region(&u, Ctx::id(c)))?;
            let cid = Ctx::id(county);
            let leader = find_user(&users, |g| {
                g["role"] == "unit_leader" && g["node"]["id"] == u["id"]
            });
            let sup = find_user(&users, |g| {
                g["role"] == "supervisor" && g["node"]["type"] == "region" && g["node"]["id"] == cid
            });
            (leader.is_some() && sup.is_some()).then_some((u, cid))
        })
        .expect("a demo unit in a county with staff, leader and county supervisor");
    let county_b = counties
        .iter()
        .map(|c| Ctx::id(c))
        .find(|c| *c != county_a)
        .unwrap();
    let unit_b = units
        .iter()
        .find(|u| in_region(u, county_b))
        .cloned()
        .expect("a unit in county B");
    let other_unit_a = units
        .iter()
        .find(|u| in_region(u, county_a) && u["id"] != unit_a["id"])
        .map(Ctx::id)
        .expect("a second unit in county A");
    let county_a_code = regions.iter().find(|r| r["id"] == county_a).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();

    let login_of = |pred: &dyn Fn(&Value) -> bool| -> String {
        find_user(&users, pred)
            .map(|u| u["user"]["login"].as_str().unwrap().to_string())
            .expect("demo account")
    };
    let ua = unit_a["id"].clone();
    let mut logins: Vec<(Role, String)> = vec![
        (
            Role::StaffA,
            login_of(&|g| {
                g["role"] == "unit_staff" && g["node"]["type"] == "unit" && g["node"]["id"] == ua
            }),
        ),
        (
            Role::LeaderA,
            login_of(&|g| {
                g["role"] == "unit_leader" && g["node"]["type"] == "unit" && g["node"]["id"] == ua
            }),
        ),
        (
            Role::SupCounty,
            login_of(&|g| {
                g["role"] == "supervisor"
                    && g["node"]["type"] == "region"
                    && g["node"]["id"] == county_a
            }),
        ),
        (
            Role::SupCity,
            login_of(&|g| {
                g["role"] == "supervisor"
                    && g["node"]["type"] == "region"
                    && g["node"]["id"] == city_id
            }),
        ),
    ];
    let names: Vec<&str> = logins.iter().map(|(_, l)| l.as_str()).collect();
    let mut passwords = demo_passwords(&lines, &names);

    // Staff of unit B: the demo has none in a second county, so the admin makes one.
    let fresh = |login: &str, grant: Value| -> String {
        let created = c.post_json_ok(
            "/api/v1/users",
            &admin,
            json!({"login": login, "display_name": login, "grants": [grant]}),
        );
        let otp = created["password"].as_str().unwrap().to_string();
        // Not containing the login: the password policy refuses that.
        let pw = "E2e-Yuangong-2025!".to_string();
        c.set_own_password(login, &otp, &pw);
        pw
    };
    let pw_b = fresh(
        "e2e-staff-b",
        json!({"role": "unit_staff", "node": {"type": "unit", "id": unit_b["id"]}}),
    );
    logins.push((Role::StaffB, "e2e-staff-b".into()));
    passwords.insert("e2e-staff-b".into(), pw_b);
    // Demo accounts whose password was not printed recognisably: reset by the admin.
    for (_, login) in &logins {
        if !passwords.contains_key(login) {
            let id = users
                .iter()
                .find(|u| u["user"]["login"] == login.as_str())
                .unwrap()["user"]["id"]
                .clone();
            let otp = c.post_json_ok(
                &format!("/api/v1/users/{id}/reset-password"),
                &admin,
                json!({}),
            )["password"]
                .as_str()
                .unwrap()
                .to_string();
            let pw = format!("E2e-Reset-{}-2025!", login.len());
            c.set_own_password(login, &otp, &pw);
            passwords.insert(login.clone(), pw);
        }
    }
    logins.push((Role::Admin, "admin".into()));
    passwords.insert("admin".into(), admin_pw.clone());

    let mut people = HashMap::new();
    for (role, login) in logins {
        let pw = passwords[&login].clone();
        let session = if role == Role::Admin {
            admin_session.clone()
        } else {
            c.must_login(&login, &pw)
        };
        let token = c.token(&session, "e2e-matrix");
        people.insert(
            role,
            Person {
                login,
                password: RefCell::new(pw),
                pending: RefCell::new(None),
                session,
                token,
                spare: RefCell::new(Vec::new()),
            },
        );
    }

    // Objects: reports of A and B (unpublished, published, one to toggle), a township of
    // county A, an account at unit A.
    let mut up = HashMap::new();
    for (key, unit, publish) in [
        ("a_unpub", &unit_a, false),
        ("a_pub", &unit_a, true),
        ("a_toggle", &unit_a, false),
        ("b_unpub", &unit_b, false),
        ("b_pub", &unit_b, true),
        ("b_toggle", &unit_b, false),
    ] {
        let seed = up.len() as u64 + 1;
        let r = c.upload(
            &admin,
            Ctx::id(unit),
            2024,
            &format!("{key}.txt"),
            report_txt(unit["name"].as_str().unwrap(), 2024, seed).into_bytes(),
        );
        assert_eq!(r.status, 201, "setup upload: {}", r.snippet());
        let id = r.json()["upload"]["id"].as_i64().unwrap();
        if publish {
            c.post_json_ok(&format!("/api/v1/uploads/{id}/publish"), &admin, json!({}));
        }
        up.insert(key, id);
    }
    let twn = c.post_json_ok(
        "/api/v1/regions",
        &admin,
        json!({"parent_id": county_a, "code": "E2ETWN1", "name": "E2E测试镇", "level": "township"}),
    );
    let victim = c.post_json_ok("/api/v1/users", &admin, json!({"login": "e2e-victim", "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": unit_a["id"]}}]}));

    // The demo's ledger: records of A and B, and an attachment of each.
    let demo = fazhi_demo::DemoOptions::default();
    let year = fazhi_demo::ledger::ledger_year(demo.last_year, demo.today);
    let study_of = |unit: &Value| -> Vec<i64> {
        let v = c.get_json(
            &format!(
                "/api/v1/units/{}/ledger/study?year={year}&limit=1000",
                unit["id"]
            ),
            &admin,
        );
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let (a_ids, b_ids) = (study_of(&unit_a), study_of(&unit_b));
    assert!(
        a_ids.len() >= 2 && b_ids.len() >= 2,
        "the demo's ledger has 学法 records of units A and B in {year}"
    );
    let attach = |rid: i64| -> i64 {
        let r = c.call(
            "POST",
            &format!("/api/v1/ledger/records/{rid}/attachments?filename=setup.txt"),
            &admin,
            &Body::Raw {
                content_type: "text/plain".into(),
                bytes: format!("学法签到表 {rid}").into_bytes(),
            },
        );
        assert_eq!(r.status, 201, "setup attachment: {}", r.snippet());
        r.json()["id"].as_i64().unwrap()
    };
    let ledger = LedgerObjects {
        year,
        a_rec: a_ids[0],
        b_rec: b_ids[0],
        a_toggle: a_ids[1],
        b_toggle: b_ids[1],
        a_att: attach(a_ids[0]),
        b_att: attach(b_ids[0]),
        a_ids,
        b_ids,
    };

    let home = c.get("/", &Auth::Anon).text();
    let asset = home
        .split("\"/static/")
        .nth(1)
        .map(|s| format!("/static/{}", s.split('"').next().unwrap()))
        .expect("the layout links a static asset");

    Ctx {
        c,
        admin,
        people,
        city: city_id,
        county_a,
        county_b,
        county_a_code,
        township_a: Ctx::id(&twn),
        unit_a,
        unit_b,
        up,
        victim: victim["user"]["id"].as_i64().unwrap(),
        other_unit_a,
        asset,
        ledger,
        seq: Cell::new(0),
    }
}
