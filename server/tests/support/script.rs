//! A helper script a test runs beside the server (a receiver on 127.0.0.1 written with an
//! independent implementation), and the JSON lines it prints: the first says where it listens,
//! each next one what it received.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct Script {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<serde_json::Value>,
}

impl Script {
    /// Starts `tests/<name>` with `python3`; returns it and its first line.
    pub fn start(name: &str) -> (Script, serde_json::Value) {
        let path = format!("{}/tests/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new("python3")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("python3 runs {path} (make test installs what it needs): {e}")
            });
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str(&line)
                    && send.send(value).is_err()
                {
                    break;
                }
            }
        });
        let script = Script {
            child,
            stdin,
            lines,
        };
        let ready = script.next_within(Duration::from_secs(20), "the script says where it listens");
        (script, ready)
    }

    /// The next line it prints.
    pub fn next(&self) -> serde_json::Value {
        self.next_within(Duration::from_secs(20), "the script receives something")
    }

    fn next_within(&self, wait: Duration, expected: &str) -> serde_json::Value {
        self.lines.recv_timeout(wait).expect(expected)
    }

    /// Asserts that it prints nothing more for a moment.
    pub fn nothing_more(&self) {
        assert!(
            self.lines.recv_timeout(Duration::from_millis(300)).is_err(),
            "nothing else was received"
        );
    }

    /// Writes one line to its input.
    pub fn tell(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
