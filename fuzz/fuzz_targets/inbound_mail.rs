//! Whatever bytes a mailbox, the SMTP listener or the mail hook hand over, reading them ends in a
//! result: a message, or the reason it is unreadable. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let _ = app::backend::mail_read::read(raw);
});
