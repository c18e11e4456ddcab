//! The subcommands, run against a scratch database.

use app::backend::password::verify_password;
use app::backend::store::scratch::scratch_sqlite;
use app::domain::policy::Role;
use server::cli::{CreateAdminArgs, SeedArgs};
use server::commands;

fn admin(password: &str) -> CreateAdminArgs {
    CreateAdminArgs {
        email: "Alex@Agency.test".into(),
        name: "Alex".into(),
        password: password.into(),
    }
}

#[tokio::test]
async fn create_admin_makes_an_admin_who_can_use_their_password() {
    let db = scratch_sqlite().await.unwrap();
    commands::create_admin(&db.url, &admin("a long enough passphrase"))
        .await
        .unwrap();
    let people = db.store.active_people().await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(
        (people[0].role, people[0].email.as_str()),
        (Role::Admin, "alex@agency.test")
    );
    let hash = db
        .store
        .password_hash(people[0].user_id)
        .await
        .unwrap()
        .expect("a password hash");
    assert!(verify_password("a long enough passphrase", &hash));

    let again = commands::create_admin(&db.url, &admin("a long enough passphrase")).await;
    assert!(again.is_err(), "the same email twice is refused");
}

#[tokio::test]
async fn create_admin_refuses_weak_passwords_and_bad_addresses() {
    let db = scratch_sqlite().await.unwrap();
    for weak in ["short", "Password1234!", "alex-alex-alex"] {
        assert!(
            commands::create_admin(&db.url, &admin(weak)).await.is_err(),
            "{weak} was accepted"
        );
    }
    let mut no_at = admin("a long enough passphrase");
    no_at.email = "alex".into();
    assert!(commands::create_admin(&db.url, &no_at).await.is_err());
    assert!(db.store.active_people().await.unwrap().is_empty());
}

#[tokio::test]
async fn migrate_and_seed_demo_are_safe_to_repeat() {
    let db = scratch_sqlite().await.unwrap();
    commands::migrate(&db.url).await.unwrap();
    commands::seed_demo(&db.url, &SeedArgs { tickets: 12 })
        .await
        .unwrap();
    commands::seed_demo(&db.url, &SeedArgs { tickets: 12 })
        .await
        .unwrap();
    assert_eq!(db.store.count_tickets().await.unwrap(), 12);
}
