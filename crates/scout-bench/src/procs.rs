//! Child processes for the benchmark harness: each phase runs in its own process (so its peak
//! memory is its own), with a deadline, its output passed through, and its result read from
//! one `RESULT {json}` line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The line prefix a phase prints its result with.
pub const RESULT_PREFIX: &str = "RESULT ";

/// Print a phase's result for the parent to pick up.
pub fn emit_result(v: &Value) {
    println!("{RESULT_PREFIX}{v}");
}

/// What a finished child gave back.
#[derive(Debug)]
pub struct ChildOutcome {
    pub status: Option<ExitStatus>,
    pub result: Option<Value>,
    pub timed_out: bool,
    /// The last lines of output, for error messages.
    pub tail: Vec<String>,
}

/// Run `cmd` to completion (killed after `timeout`), echoing its stdout lines with `prefix`
/// and collecting the `RESULT` line. Stderr goes to the parent's stderr.
pub fn run(mut cmd: Command, timeout: Duration, prefix: &str) -> std::io::Result<ChildOutcome> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().expect("stdout piped");
    let child = Arc::new(Mutex::new(child));
    let watchdog = {
        let child = child.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            loop {
                if let Ok(Some(st)) = child.lock().unwrap().try_wait() {
                    return (Some(st), false);
                }
                if started.elapsed() > timeout {
                    let mut c = child.lock().unwrap();
                    let _ = c.kill();
                    return (c.wait().ok(), true);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let mut result = None;
    let mut tail: Vec<String> = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Some(json) = line.strip_prefix(RESULT_PREFIX) {
            result = serde_json::from_str(json).ok();
            continue;
        }
        println!("{prefix}{line}");
        tail.push(line);
        if tail.len() > 20 {
            tail.remove(0);
        }
    }
    let (status, timed_out) = watchdog.join().unwrap_or((None, false));
    Ok(ChildOutcome {
        status,
        result,
        timed_out,
        tail,
    })
}

/// A loopback port free right now (bound then released).
pub fn free_port() -> std::io::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// A minimal HTTP/1.0 GET on loopback: (status, body). Enough for readiness checks without an
/// async runtime in the orchestrator.
pub fn http_get(addr: SocketAddr, path: &str, timeout: Duration) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, timeout).ok()?;
    s.set_read_timeout(Some(timeout)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

/// Start a long-running child (a server) whose stdout is drained in a thread; returns once
/// it printed a line starting with `ready` (the rest of that line is returned) or failed.
pub fn spawn_until_ready(
    mut cmd: Command,
    ready: &str,
    timeout: Duration,
) -> std::io::Result<(Child, String)> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().expect("stdout piped");
    let (tx, rx) = std::sync::mpsc::channel();
    let ready = ready.to_string();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent && let Some(rest) = line.strip_prefix(&ready) {
                let _ = tx.send(rest.trim().to_string());
                sent = true;
            }
        }
    });
    match rx.recv_timeout(timeout) {
        Ok(rest) => Ok((child, rest)),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(std::io::Error::other("child did not become ready in time"))
        }
    }
}

/// `program` found on PATH (or as given, when it contains a slash).
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    if program.contains('/') {
        return Path::new(program).is_file().then(|| program.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}
