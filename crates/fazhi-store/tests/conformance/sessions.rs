//! Conformance cases: sessions.

use super::*;

pub(crate) async fn sessions_expiry_logout_and_failures(fx: &Fx) {
    let s = fx.s();
    let t = tree(s).await;
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    s.grant(
        &admin(),
        alice.id,
        Grant {
            role: Role::Supervisor,
            node: Node::Region(t.county.id),
        },
    )
    .await
    .unwrap();
    let me = Actor {
        user_id: Some(alice.id),
        login: "alice".into(),
        addr: "10.1.2.3".into(),
    };

    let expires = now() + Duration::hours(8);
    let s1 = session(alice.id.0, "s1", expires);
    let m = mark(s).await;
    s.create_session(&me, &s1).await.unwrap();
    let e = one_entry(s, m, "session.login").await;
    assert_eq!(e.actor_user_id, Some(alice.id));
    assert_eq!(e.entity, "session");
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.region_path, t.county.path);
    assert!(e.after.as_ref().unwrap().get("token_hash").is_none());

    let (got, user) = s.session(&s1.token_hash, now()).await.unwrap().unwrap();
    assert_eq!(got, s1);
    assert_eq!(user, alice);
    // Expired at its expiry instant, and after.
    assert!(s.session(&s1.token_hash, expires).await.unwrap().is_none());
    assert!(s
        .session(&s1.token_hash, expires + Duration::seconds(1))
        .await
        .unwrap()
        .is_none());
    assert!(s
        .session(&s1.token_hash, expires - Duration::microseconds(1))
        .await
        .unwrap()
        .is_some());
    assert!(s
        .session("sesshash-unknown", now())
        .await
        .unwrap()
        .is_none());

    let m = mark(s).await;
    assert!(matches!(
        s.create_session(&me, &s1).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_session(&me, &session(999_999, "x", expires)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);

    // Logout.
    let m = mark(s).await;
    s.delete_session(&me, &s1.token_hash).await.unwrap();
    let e = one_entry(s, m, "session.logout").await;
    assert_eq!(e.after, None);
    assert_eq!(e.before.as_ref().unwrap()["user_id"], alice.id.0);
    assert!(s.session(&s1.token_hash, now()).await.unwrap().is_none());
    let m = mark(s).await;
    s.delete_session(&me, &s1.token_hash).await.unwrap();
    assert_eq!(
        mark(s).await,
        m,
        "logging out of a gone session changes nothing"
    );

    // Purge removes only the expired ones, and is not audited.
    let old = Session {
        created_at: now() - Duration::days(2),
        ..session(alice.id.0, "old", now() - Duration::days(1))
    };
    let live = session(alice.id.0, "live", now() + Duration::hours(1));
    s.create_session(&me, &old).await.unwrap();
    s.create_session(&me, &live).await.unwrap();
    let m = mark(s).await;
    assert_eq!(s.purge_sessions(now()).await.unwrap(), 1);
    assert_eq!(s.purge_sessions(now()).await.unwrap(), 0);
    assert_eq!(mark(s).await, m);
    assert!(s.session(&live.token_hash, now()).await.unwrap().is_some());

    // Changing a password ends the account's other sessions, keeping the current one.
    let other = session(alice.id.0, "other", now() + Duration::hours(1));
    s.create_session(&me, &other).await.unwrap();
    let m = mark(s).await;
    assert_eq!(
        s.end_sessions(&me, alice.id, Some(&live.token_hash))
            .await
            .unwrap(),
        1
    );
    let e = one_entry(s, m, "session.end_all").await;
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.before, Some(serde_json::json!({ "sessions": 1 })));
    assert!(s.session(&other.token_hash, now()).await.unwrap().is_none());
    assert!(s.session(&live.token_hash, now()).await.unwrap().is_some());
    let m = mark(s).await;
    assert_eq!(
        s.end_sessions(&me, alice.id, Some(&live.token_hash))
            .await
            .unwrap(),
        0
    );
    assert_eq!(mark(s).await, m, "nothing ended, nothing logged");

    // A disabled account's session does not authenticate (even one created after disabling).
    s.set_disabled(&admin(), alice.id, true).await.unwrap();
    let late = session(alice.id.0, "late", now() + Duration::hours(1));
    s.create_session(&me, &late).await.unwrap();
    assert!(s.session(&late.token_hash, now()).await.unwrap().is_none());

    // Failed logins, for an existing account and for an unknown login.
    let m = mark(s).await;
    s.record_login_failure(&actor("anonymous"), "alice")
        .await
        .unwrap();
    let e = one_entry(s, m, "session.login_failed").await;
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.after, Some(serde_json::json!({ "login": "alice" })));
    assert_eq!(e.region_path, t.county.path);
    let m = mark(s).await;
    s.record_login_failure(&actor("anonymous"), "ghost")
        .await
        .unwrap();
    let e = one_entry(s, m, "session.login_failed").await;
    assert_eq!(e.entity_id, None);
    assert_eq!(e.region_path, Vec::<i64>::new());
    assert_eq!(e.after, Some(serde_json::json!({ "login": "ghost" })));
    // It sits nowhere in the tree, so the root region's log shows it and a city's does not.
    let in_region = |region: i64| {
        let filter = AuditFilter {
            region_id: Some(RegionId(region)),
            action_prefix: Some("session.login_failed".into()),
            limit: 100,
            ..Default::default()
        };
        async move { s.audit(&filter).await.unwrap() }
    };
    let ghost = |v: &[AuditEntry]| {
        v.iter()
            .any(|e| e.after == Some(serde_json::json!({ "login": "ghost" })))
    };
    assert!(ghost(&in_region(t.prov.id.0).await));
    assert!(!ghost(&in_region(t.city.id.0).await));
    assert_no_secrets_in_audit(s).await;
}
