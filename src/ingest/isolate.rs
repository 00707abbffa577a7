//! Runs the parser in child processes of the same binary (`kyogikai __read`), under a memory
//! limit and a per-file time limit, so a crafted workbook that aborts, loops or eats memory
//! inside the parser costs only that file. The child reads paths from stdin, one per line,
//! and answers each with one JSON line; the parent restarts a child that dies or stalls and
//! marks the file it was reading.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use super::raw::{RawWorkbook, ReadFailure};
use super::{parse_file, sniff::Limits};

/// Longest answer line accepted from a child.
const MAX_LINE: u64 = 512 * 1024 * 1024;

/// The hidden subcommand the parent starts.
pub const CHILD_COMMAND: &str = "__read";

#[derive(Debug, Clone)]
pub struct ChildSettings {
    pub exe: PathBuf,
    pub timeout: Duration,
    pub memory_bytes: u64,
}

type Outcome = Result<RawWorkbook, ReadFailure>;

/// Parses the files at `paths` in up to `workers` children and hands each result to `then`
/// on the worker that read it, so that a parsed workbook can be used and dropped at once;
/// what `then` returns is kept, in input order. Fails only when no reader process can be
/// started (the machine's problem, not a file's).
pub fn parse_isolated<T: Send>(
    paths: &[PathBuf],
    settings: &ChildSettings,
    workers: usize,
    then: &(dyn Fn(usize, Outcome) -> T + Sync),
) -> Result<Vec<T>, String> {
    let queue = Mutex::new((0..paths.len()).rev().collect::<Vec<_>>());
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..paths.len()).map(|_| None).collect());
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let workers = workers.clamp(1, paths.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut child: Option<Reader> = None;
                loop {
                    let Some(i) = queue.lock().expect("queue").pop() else {
                        break;
                    };
                    match parse_one(&mut child, &paths[i], settings) {
                        Ok(outcome) => {
                            let value = then(i, outcome);
                            results.lock().expect("results")[i] = Some(value);
                        }
                        Err(e) => {
                            *failure.lock().expect("failure") = Some(e);
                            break;
                        }
                    }
                }
                if let Some(mut c) = child {
                    c.finish();
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("failure") {
        return Err(e);
    }
    Ok(results
        .into_inner()
        .expect("results")
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| {
                then(
                    i,
                    Err(ReadFailure::new("E0107", "読み取りが行われませんでした")),
                )
            })
        })
        .collect())
}

struct Reader {
    process: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Reader {
    fn start(settings: &ChildSettings) -> std::io::Result<Reader> {
        let mut process = Command::new(&settings.exe)
            .arg(CHILD_COMMAND)
            .arg(settings.memory_bytes.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = process.stdin.take().expect("piped");
        let stdout = process.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            // One answer per line, each at most MAX_LINE bytes: a child cannot make the
            // parent hold an unbounded answer in memory.
            let mut out = BufReader::new(stdout);
            loop {
                let mut buf = Vec::new();
                match (&mut out).take(MAX_LINE).read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if !buf.ends_with(b"\n") => break,
                    Ok(_) => {
                        if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Reader {
            process,
            stdin,
            lines,
        })
    }

    fn finish(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn parse_one(
    slot: &mut Option<Reader>,
    path: &Path,
    settings: &ChildSettings,
) -> Result<Outcome, String> {
    if slot.is_none() {
        match Reader::start(settings) {
            Ok(r) => *slot = Some(r),
            Err(e) => {
                return Err(format!(
                    "読み取りプロセス（{}）を起動できません: {e}",
                    settings.exe.display()
                ));
            }
        }
    }
    Ok(parse_started(slot, path, settings))
}

fn parse_started(slot: &mut Option<Reader>, path: &Path, settings: &ChildSettings) -> Outcome {
    let reader = slot.as_mut().expect("started");
    // Paths travel as hex of their bytes: any file name (newlines, non-UTF-8) is safe.
    let line = format!("{}\n", hex::encode(path.as_os_str().as_bytes()));
    if reader
        .stdin
        .write_all(line.as_bytes())
        .and_then(|_| reader.stdin.flush())
        .is_err()
    {
        return died(slot);
    }
    match reader.lines.recv_timeout(settings.timeout) {
        Ok(json) => serde_json::from_str::<Outcome>(&json).unwrap_or_else(|e| {
            Err(ReadFailure::new(
                "E0107",
                format!("読み取り結果が壊れています: {e}"),
            ))
        }),
        Err(RecvTimeoutError::Timeout) => {
            reader.finish();
            *slot = None;
            Err(ReadFailure::new(
                "E0107",
                format!(
                    "{} 秒以内に読み終わりませんでした",
                    settings.timeout.as_secs_f64()
                ),
            ))
        }
        Err(RecvTimeoutError::Disconnected) => died(slot),
    }
}

fn died(slot: &mut Option<Reader>) -> Outcome {
    let mut reader = slot.take().expect("started");
    // The child closed its output: give it a moment to exit with its own status, then end it.
    let mut status = None;
    for _ in 0..50 {
        if let Ok(Some(s)) = reader.process.try_wait() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.finish();
    let how = status.map(describe_exit).unwrap_or_else(|| "不明".into());
    Err(ReadFailure::new(
        "E0107",
        format!("メモリの上限に達したか、読み取り処理が異常終了しました（{how}）"),
    ))
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(sig)) => format!("シグナル {sig}"),
        (Some(code), _) => format!("終了コード {code}"),
        _ => "不明".into(),
    }
}

/// The child's main loop: limit memory, then parse each path read from stdin.
pub fn child_main(memory_bytes: u64) -> i32 {
    limit_resources(memory_bytes);
    let limits = Limits::default();
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(bytes) = hex::decode(line.trim()) else {
            break;
        };
        let path = std::path::PathBuf::from(std::ffi::OsString::from_vec(bytes));
        let outcome = parse_file(&path, &limits);
        let json = serde_json::to_string(&outcome).unwrap_or_else(|e| {
            serde_json::to_string(&Err::<RawWorkbook, _>(ReadFailure::new(
                "E0107",
                e.to_string(),
            )))
            .expect("plain")
        });
        if writeln!(stdout, "{json}")
            .and_then(|_| stdout.flush())
            .is_err()
        {
            return 1;
        }
    }
    0
}

fn limit_resources(memory_bytes: u64) {
    let set = |resource, value: u64| {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads the struct passed; lowering limits of this process is
        // always allowed.
        unsafe { libc::setrlimit(resource, &limit) };
    };
    set(libc::RLIMIT_AS, memory_bytes);
    // An abort inside the parser must not leave a core file behind.
    set(libc::RLIMIT_CORE, 0);
}
