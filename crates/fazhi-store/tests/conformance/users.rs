//! Conformance cases: accounts, passwords, grants and API tokens.

use super::*;

pub(crate) async fn users_passwords_and_disabling(fx: &Fx) {
    let s = fx.s();
    assert_eq!(s.count_users().await.unwrap(), 0);
    let m = mark(s).await;
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    assert!(!alice.disabled);
    assert_eq!(alice.password_hash, "$argon2id$secret-alice");
    let e = one_entry(s, m, "user.create").await;
    assert_eq!(e.entity, "user");
    assert_eq!(e.entity_id, Some(alice.id.0));
    assert_eq!(e.after, Some(json(&alice)));
    assert_eq!(e.region_path, Vec::<i64>::new());

    let bob = s
        .create_user(
            &admin(),
            &NewUser {
                must_change_password: true,
                ..new_user("bob")
            },
        )
        .await
        .unwrap();
    assert!(bob.must_change_password);
    let m = mark(s).await;
    let err = s
        .create_user(&admin(), &new_user("alice"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(msg) if msg.contains("alice")),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "登录名“alice”已被使用");
    assert_eq!(mark(s).await, m);

    assert_eq!(s.user(alice.id).await.unwrap(), alice);
    assert_eq!(s.user_by_login("bob").await.unwrap(), Some(bob.clone()));
    assert_eq!(s.user_by_login("nobody").await.unwrap(), None);
    assert!(matches!(
        s.user(UserId(999_999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.users().await.unwrap(), vec![alice.clone(), bob.clone()]);
    assert_eq!(s.count_users().await.unwrap(), 2);

    let m = mark(s).await;
    s.set_password(
        &admin(),
        alice.id,
        "$argon2id$secret-new",
        PasswordSet::Reset,
    )
    .await
    .unwrap();
    let changed = s.user(alice.id).await.unwrap();
    assert_eq!(changed.password_hash, "$argon2id$secret-new");
    assert!(changed.must_change_password);
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(e.after.as_ref().unwrap()["password_changed"], true);
    assert!(matches!(
        s.set_password(&admin(), UserId(999_999), "x", OWN).await,
        Err(StoreError::NotFound(_))
    ));

    // Disabling ends sessions and revokes tokens.
    let sess = session(alice.id.0, "a1", now() + Duration::hours(8));
    s.create_session(&admin(), &sess).await.unwrap();
    let token = s
        .create_api_token(&admin(), alice.id, "脚本", "tokhash-a")
        .await
        .unwrap();
    assert!(s.session(&sess.token_hash, now()).await.unwrap().is_some());
    assert!(s.api_token_user("tokhash-a").await.unwrap().is_some());
    let m = mark(s).await;
    let disabled = s.set_disabled(&admin(), alice.id, true).await.unwrap();
    assert!(disabled.disabled);
    assert_eq!(s.user(alice.id).await.unwrap(), disabled);
    let e = one_entry(s, m, "user.disable").await;
    assert_eq!(e.before, Some(json(&changed)));
    assert_eq!(e.after, Some(json(&disabled)));
    assert!(s.session(&sess.token_hash, now()).await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-a").await.unwrap().is_none());
    assert!(s
        .api_tokens(alice.id)
        .await
        .unwrap()
        .iter()
        .all(|t| t.revoked));

    let m = mark(s).await;
    let enabled = s.set_disabled(&admin(), alice.id, false).await.unwrap();
    assert!(!enabled.disabled);
    one_entry(s, m, "user.enable").await;
    // Sessions ended stay ended and revoked tokens stay revoked.
    assert!(s.session(&sess.token_hash, now()).await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-a").await.unwrap().is_none());
    assert!(matches!(
        s.set_disabled(&admin(), UserId(999_999), true).await,
        Err(StoreError::NotFound(_))
    ));
    let _ = token;
    assert_no_secrets_in_audit(s).await;
}

/// A person's own new password, keeping his API tokens.
pub(crate) const OWN: PasswordSet = PasswordSet::Own {
    revoke_tokens: false,
};

pub(crate) async fn password_history_and_token_revocation(fx: &Fx) {
    let s = fx.s();
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    let bob = s.create_user(&admin(), &new_user("bob")).await.unwrap();
    assert!(s.password_history(alice.id).await.unwrap().is_empty());

    // Seven changes: the history keeps the newest PASSWORD_HISTORY replaced hashes (not the
    // current one), newest first, and the table holds no more than that.
    for i in 1..=7 {
        let revoked = s
            .set_password(
                &actor("alice"),
                alice.id,
                &format!("$argon2id$secret-h{i}"),
                OWN,
            )
            .await
            .unwrap();
        assert_eq!(revoked, 0);
    }
    assert_eq!(PASSWORD_HISTORY, 5);
    assert_eq!(
        s.user(alice.id).await.unwrap().password_hash,
        "$argon2id$secret-h7"
    );
    let want: Vec<String> = (2..=6)
        .rev()
        .map(|i| format!("$argon2id$secret-h{i}"))
        .collect();
    assert_eq!(s.password_history(alice.id).await.unwrap(), want);
    let kept = fx
        .handle
        .scalar(&format!(
            "SELECT COUNT(*) FROM password_history WHERE user_id = {}",
            alice.id
        ))
        .await;
    assert_eq!(kept, 5, "older rows are deleted, not only hidden");
    assert!(s.password_history(bob.id).await.unwrap().is_empty());
    assert!(s
        .password_history(UserId(999_999))
        .await
        .unwrap()
        .is_empty());

    // An own change keeps the API tokens unless asked; a reset revokes every one of the
    // account's tokens (not others'), said in its one audit entry.
    s.create_api_token(&admin(), alice.id, "脚本一", "tokhash-a1")
        .await
        .unwrap();
    s.create_api_token(&admin(), alice.id, "脚本二", "tokhash-a2")
        .await
        .unwrap();
    s.create_api_token(&admin(), bob.id, "脚本", "tokhash-b1")
        .await
        .unwrap();
    let m = mark(s).await;
    assert_eq!(
        s.set_password(&actor("alice"), alice.id, "$argon2id$secret-h8", OWN)
            .await
            .unwrap(),
        0
    );
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(e.after.as_ref().unwrap()["tokens_revoked"], 0);
    assert!(s.api_token_user("tokhash-a1").await.unwrap().is_some());

    let m = mark(s).await;
    let revoked = s
        .set_password(
            &admin(),
            alice.id,
            "$argon2id$secret-reset",
            PasswordSet::Reset,
        )
        .await
        .unwrap();
    assert_eq!(revoked, 2);
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(
        e.after,
        Some(serde_json::json!({
            "password_changed": true,
            "must_change_password": true,
            "tokens_revoked": 2,
        }))
    );
    assert!(s.user(alice.id).await.unwrap().must_change_password);
    assert!(s.api_token_user("tokhash-a1").await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-a2").await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-b1").await.unwrap().is_some());
    assert_eq!(
        s.password_history(alice.id).await.unwrap()[0],
        "$argon2id$secret-h8"
    );

    // The person's own change may revoke them too.
    s.create_api_token(&admin(), alice.id, "脚本三", "tokhash-a3")
        .await
        .unwrap();
    let m = mark(s).await;
    let revoked = s
        .set_password(
            &actor("alice"),
            alice.id,
            "$argon2id$secret-h9",
            PasswordSet::Own {
                revoke_tokens: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(revoked, 1);
    let e = one_entry(s, m, "user.password").await;
    assert_eq!(e.after.as_ref().unwrap()["must_change_password"], false);
    assert!(s.api_token_user("tokhash-a3").await.unwrap().is_none());
    assert!(!s.user(alice.id).await.unwrap().must_change_password);

    // Nothing of a failed change stays.
    let m = mark(s).await;
    assert!(matches!(
        s.set_password(
            &admin(),
            UserId(999_999),
            "$argon2id$secret-x",
            PasswordSet::Reset
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
    assert_no_secrets_in_audit(s).await;
}

pub(crate) async fn grants_and_their_placement(fx: &Fx) {
    let s = fx.s();
    let (t, u) = tree_with_unit(s).await;
    let bob = s.create_user(&admin(), &new_user("bob")).await.unwrap();

    let m = mark(s).await;
    let g1 = give(s, bob.id, Role::Supervisor, Node::Region(t.city.id))
        .await
        .unwrap();
    assert_eq!(g1.user_id, bob.id);
    let e = one_entry(s, m, "grant.create").await;
    assert_eq!(e.entity, "grant");
    assert_eq!(e.entity_id, Some(g1.id.0));
    assert_eq!(e.region_path, t.city.path);
    assert_eq!(e.unit_id, None);
    assert_eq!(e.after, Some(json(&g1)));

    let m = mark(s).await;
    let g2 = give(s, bob.id, Role::UnitStaff, Node::Unit(u.id))
        .await
        .unwrap();
    let e = one_entry(s, m, "grant.create").await;
    assert_eq!(e.unit_id, Some(u.id));
    assert_eq!(e.region_path, t.county.path);

    let m = mark(s).await;
    let err = give(s, bob.id, Role::Supervisor, Node::Region(t.city.id)).await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    for (user, node) in [
        (UserId(999_999), Node::Region(t.city.id)),
        (bob.id, Node::Region(RegionId(999_999))),
        (bob.id, Node::Unit(UnitId(999_999))),
    ] {
        let grant = grant_of(Role::Admin, node);
        let err = s.grant(&admin(), user, grant).await;
        assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    }
    assert_eq!(mark(s).await, m);

    // The same role elsewhere is another grant.
    let g3 = give(s, bob.id, Role::Supervisor, Node::Region(t.city2.id))
        .await
        .unwrap();
    assert_eq!(s.grants(bob.id).await.unwrap(), vec![g1, g2, g3]);
    let carol = s.create_user(&admin(), &new_user("carol")).await.unwrap();
    let g4 = give(s, carol.id, Role::Admin, Node::Region(t.prov.id))
        .await
        .unwrap();
    assert_eq!(s.all_grants().await.unwrap(), vec![g1, g2, g3, g4]);
    assert!(s.grants(UserId(999_999)).await.unwrap().is_empty());

    // An account sits where all of its grants meet: bob's are in 甲市 and 丙市 → 示范省.
    let m = mark(s).await;
    s.set_password(&admin(), bob.id, "$argon2id$secret-2", OWN)
        .await
        .unwrap();
    assert_eq!(
        one_entry(s, m, "user.password").await.region_path,
        t.prov.path
    );

    let m = mark(s).await;
    s.revoke(&admin(), g3.id).await.unwrap();
    let e = one_entry(s, m, "grant.revoke").await;
    assert_eq!(e.before, Some(json(&g3)));
    assert_eq!(e.after, None);
    assert_eq!(e.region_path, t.city2.path);
    assert_eq!(s.grants(bob.id).await.unwrap(), vec![g1, g2]);
    // Now 甲市 and a unit in 乙区 (below 甲市) → 甲市.
    let m = mark(s).await;
    s.set_disabled(&admin(), bob.id, true).await.unwrap();
    assert_eq!(
        one_entry(s, m, "user.disable").await.region_path,
        t.city.path
    );
    let m = mark(s).await;
    assert!(matches!(
        s.revoke(&admin(), g3.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);
}

pub(crate) async fn api_tokens(fx: &Fx) {
    let s = fx.s();
    let alice = s.create_user(&admin(), &new_user("alice")).await.unwrap();
    let m = mark(s).await;
    let t1 = s
        .create_api_token(&admin(), alice.id, "报送脚本", "tokhash-1")
        .await
        .unwrap();
    assert_eq!(t1.user_id, alice.id);
    assert!(!t1.revoked);
    let e = one_entry(s, m, "token.create").await;
    assert_eq!(e.entity_id, Some(t1.id.0));
    assert_eq!(e.after, Some(json(&t1)));
    assert!(e.after.as_ref().unwrap().get("token_hash").is_none());

    let (tok, user) = s.api_token_user("tokhash-1").await.unwrap().unwrap();
    assert_eq!(tok, t1);
    assert_eq!(user, alice);
    assert!(s.api_token_user("tokhash-unknown").await.unwrap().is_none());

    let m = mark(s).await;
    assert!(matches!(
        s.create_api_token(&admin(), alice.id, "重复", "tokhash-1")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_api_token(&admin(), UserId(999_999), "无", "tokhash-x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(mark(s).await, m);

    let t2 = s
        .create_api_token(&admin(), alice.id, "另一个", "tokhash-2")
        .await
        .unwrap();
    assert_eq!(
        s.api_tokens(alice.id).await.unwrap(),
        vec![t1.clone(), t2.clone()]
    );

    let m = mark(s).await;
    s.revoke_api_token(&admin(), t1.id).await.unwrap();
    let e = one_entry(s, m, "token.revoke").await;
    assert_eq!(e.before.as_ref().unwrap()["revoked"], false);
    assert_eq!(e.after.as_ref().unwrap()["revoked"], true);
    assert!(s.api_token_user("tokhash-1").await.unwrap().is_none());
    assert!(s.api_token_user("tokhash-2").await.unwrap().is_some());
    let listed = s.api_tokens(alice.id).await.unwrap();
    assert!(listed[0].revoked && !listed[1].revoked);
    assert!(matches!(
        s.revoke_api_token(&admin(), fazhi_domain::TokenId(999_999))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_no_secrets_in_audit(s).await;
}

/// Grants `role` on `node` to `user`, as the admin.
async fn give(
    s: &dyn Store,
    user: UserId,
    role: Role,
    node: Node,
) -> fazhi_store::StoreResult<fazhi_store::RoleGrant> {
    s.grant(&admin(), user, grant_of(role, node)).await
}

/// A grant of `role` on `node`.
fn grant_of(role: Role, node: Node) -> Grant {
    Grant { role, node }
}
