//! Helpers of the tests against moto's server: a server per test on 127.0.0.1, the real
//! `escdk-deploy` binary run against it, and boto3 (a real client, not ours) to look.

#![allow(dead_code)]

use escdk_synth::App;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A moto server on a free port; killed when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    _dir: TempDir,
}

impl Moto {
    /// What the server logged (its tracebacks say why a resource was not created).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.0.join("moto.log")).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("escdk-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn moto(name: &str) -> Moto {
    moto_with(name, &[])
}

/// moto's server with `env` set (the launcher's knobs, e.g. `ESCDK_TEST_SLOW_CHANGE_SETS`).
pub fn moto_with(name: &str, env: &[(&str, &str)]) -> Moto {
    // $MOTO_SERVER runs as given; otherwise moto's server from the venv, through
    // moto_server.py (one moto defect corrected, said there).
    let (program, launcher) = match std::env::var_os("MOTO_SERVER") {
        Some(server) => (PathBuf::from(server), None),
        None => (
            root().join("target/venv/bin/python"),
            Some(root().join("deploy/tests/moto/moto_server.py")),
        ),
    };
    assert!(
        program.exists(),
        "{} not found: run scripts/test (it installs moto[server] into target/venv), or set MOTO_SERVER",
        program.display()
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = TempDir::new(name);
    let log = std::fs::File::create(dir.0.join("moto.log")).unwrap();
    let child = Command::new(program)
        .args(launcher)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("moto_server starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not listen on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

pub fn assembly(dir: &Path, app: &App) {
    let synthesized = app.synth(&[]).expect("the app synthesizes");
    escdk_synth::cli::write_assembly(dir, &synthesized).unwrap();
}

pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// The `escdk-deploy` command against `moto`, on `assembly`, with `args`.
pub fn command(moto: &Moto, assembly: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_escdk-deploy"));
    c.arg("--assembly")
        .arg(assembly)
        .args(["--poll-seconds", "0.1"])
        .args(args)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    c
}

pub fn run(moto: &Moto, assembly: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command(moto, assembly, args)
        .output()
        .expect("escdk-deploy runs");
    let r = Run {
        code: status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&stdout).into_owned(),
        err: String::from_utf8_lossy(&stderr).into_owned(),
    };
    eprintln!("$ escdk-deploy {}\n{}{}", args.join(" "), r.out, r.err);
    r
}

/// `deploy ARGS --require-approval never`: a deploy that asks nothing.
pub fn deploy(moto: &Moto, assembly: &Path, args: &[&str]) -> Run {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    all.extend(["--require-approval", "never"]);
    run(moto, assembly, &all)
}

/// Runs a Python script with `c(service)`, a boto3 client of the stand-in; its stdout.
pub fn boto3(moto: &Moto, script: &str) -> String {
    let program = format!(
        "import boto3, json\nc = lambda s: boto3.client(s, endpoint_url='{}', region_name='us-east-1', aws_access_key_id='t', aws_secret_access_key='t')\n{script}",
        moto.endpoint
    );
    let out = Command::new(root().join("target/venv/bin/python"))
        .arg("-c")
        .arg(program)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
