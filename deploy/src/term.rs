//! Terminal helpers: colour only on a terminal (and never with NO_COLOR), and yes/no
//! questions that refuse rather than guess when there is no terminal to ask.

use std::io::{BufRead, IsTerminal, Write};

pub fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Asks on the terminal; `None` when stdin is not one (the caller refuses and says how to
/// skip the question).
pub fn confirm(question: &str) -> Option<bool> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    print!("{question} [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).ok()?;
    Some(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// [`confirm`], with Ctrl-C taken as no (the run listens for Ctrl-C, so it does not end the
/// process at the prompt; see [`crate::interrupt`]).
pub async fn ask(question: &str) -> Option<bool> {
    let question = question.to_string();
    tokio::select! {
        answer = tokio::task::spawn_blocking(move || confirm(&question)) => answer.unwrap_or(None),
        _ = crate::interrupt::interrupted() => {
            println!();
            Some(false)
        }
    }
}
