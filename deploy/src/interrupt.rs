//! Ctrl-C, heard once for the whole run: from [`listen`] on, an interrupt is remembered and
//! every wait ([`interrupted`]) sees it, even one that starts after it arrived, so a Ctrl-C
//! pressed during an API call is not lost between two waits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use tokio::sync::Notify;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn notify() -> &'static Notify {
    static NOTIFY: OnceLock<Notify> = OnceLock::new();
    NOTIFY.get_or_init(Notify::new)
}

/// Starts listening for Ctrl-C (SIGINT). Call once, inside the runtime, before any wait.
pub fn listen() {
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            INTERRUPTED.store(true, Ordering::SeqCst);
            notify().notify_waiters();
        }
    });
}

/// Resolves once Ctrl-C has been pressed (at once if it already was).
pub async fn interrupted() {
    loop {
        let wake = notify().notified();
        tokio::pin!(wake);
        wake.as_mut().enable();
        if INTERRUPTED.load(Ordering::SeqCst) {
            return;
        }
        wake.await;
    }
}
