//! A real `frontdoor` process on a free port of 127.0.0.1, stopped when dropped.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::backend::store::Store;

use super::wire;

pub struct Instance {
    pub addr: SocketAddr,
    child: Child,
}

impl Instance {
    /// Starts `frontdoor serve --demo` (demo sign-in on; an empty database gets demo data) on
    /// `database_url` and waits until it answers `/healthz`.
    pub async fn start(database_url: &str) -> Instance {
        Self::start_with(database_url, &[]).await
    }

    /// [`Instance::start`] with more command-line arguments.
    pub async fn start_with(database_url: &str, arguments: &[&str]) -> Instance {
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let child = Command::new(env!("CARGO_BIN_EXE_frontdoor"))
            .args(["serve", "--demo", "--addr", &addr.to_string()])
            .args(arguments)
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "warn")
            .env_remove("FRONTDOOR_TEST_CLOCK")
            .env_remove("FRONTDOOR_SMTP_URL")
            .current_dir(workspace)
            .stdout(Stdio::null())
            .spawn()
            .expect("the frontdoor binary starts");
        let instance = Instance { addr, child };
        for _ in 0..600 {
            if let Ok(answer) = wire::request(addr, "GET", "/healthz", None, "").await
                && answer.status == 200
            {
                return instance;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("frontdoor on {addr} did not become healthy within a minute");
    }

    /// The process id, to read its memory use.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Signs in as the demo person with this email (looked up in `store`, the same database);
    /// returns the cookie to send.
    pub async fn sign_in(&self, store: &Store, email: &str) -> String {
        let user_id = store
            .active_people()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.email == email)
            .unwrap_or_else(|| panic!("no demo person {email}"))
            .user_id;
        let answer = self
            .call(None, "demo_sign_in", &format!("user_id={user_id}"))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.cookie("fd_session").expect("a session cookie")
    }

    /// Calls a server function with a form body.
    pub async fn call(&self, cookie: Option<&str>, function: &str, form: &str) -> wire::Answer {
        wire::request(self.addr, "POST", &format!("/api/{function}"), cookie, form)
            .await
            .expect("the server answers")
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
