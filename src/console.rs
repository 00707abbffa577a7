//! What `check` prints: a summary, then the findings grouped by submitter and period, or the
//! same as JSON for machines.

use std::collections::BTreeMap;

use serde_json::json;

use crate::check::{Outcome, sorted_entries, summary_line};
use crate::council::Council;
use crate::findings::{Finding, Severity};
use crate::ledger::State;

pub fn check_text(council: &Council, outcome: &Outcome, dir: &str) -> String {
    let mut out = String::new();
    let errors = outcome
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = outcome
        .findings()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    out.push_str(&format!("{}\n", summary_line(&outcome.ledger)));
    out.push_str(&format!("エラー {errors} 件、警告 {warnings} 件\n"));
    let mut missing: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for e in sorted_entries(council, outcome) {
        if e.state == State::Missing {
            let pos = e
                .period
                .as_deref()
                .and_then(|p| council.def.periods.iter().position(|x| x.id == p))
                .unwrap_or(0);
            let who = e.submitter.as_deref().unwrap_or("");
            let name = council.submitter(who).map_or("", |x| x.name.as_str());
            missing
                .entry(pos)
                .or_default()
                .push(format!("{who} {name}"));
            continue;
        }
        if e.state == State::Awaiting {
            continue;
        }
        let findings: Vec<&Finding> = match e.file_index {
            Some(i) => outcome.checked[i].findings.iter().collect(),
            None => outcome
                .absent
                .iter()
                .filter(|f| {
                    Some(&f.submitter) == e.submitter.as_ref()
                        && Some(&f.period) == e.period.as_ref()
                })
                .collect(),
        };
        if findings.is_empty() {
            continue;
        }
        let who = match e.submitter.as_deref() {
            Some(s) => format!(
                "{s} {}",
                council.submitter(s).map_or("", |x| x.name.as_str())
            ),
            None => e.file.clone().unwrap_or_default(),
        };
        out.push_str(&format!(
            "\n■ {who}（{}）: {}\n",
            period_name(council, e.period.as_deref()),
            e.state.label()
        ));
        for f in findings {
            out.push_str(&format!("  {}\n", f.console_line()));
        }
    }
    for (pos, who) in missing {
        let p = &council.def.periods[pos];
        out.push_str(&format!(
            "\n■ 未提出（{}、期限 {}）: {} 件 [E0301]\n",
            p.name,
            crate::dates::wareki(p.deadline),
            who.len()
        ));
        for w in who {
            out.push_str(&format!("  {w}\n"));
        }
    }
    let awaiting = outcome.ledger.count(State::Awaiting);
    if awaiting > 0 {
        out.push_str(&format!(
            "\n提出期限前で未着の提出者が {awaiting} 件あります（提出状況一覧を参照）。\n"
        ));
    }
    if !outcome.ignored.is_empty() {
        let names: Vec<String> = outcome
            .ignored
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        out.push_str(&format!(
            "\n読み込まなかったシステムファイル {} 件: {}\n",
            names.len(),
            names.join("、")
        ));
    }
    out.push_str(&format!("\n出力: {dir}\n"));
    out
}

fn period_name(council: &Council, id: Option<&str>) -> String {
    id.and_then(|p| council.period(p))
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "期間不明".into())
}

pub fn check_json(council: &Council, outcome: &Outcome, dir: &str) -> String {
    let counts: BTreeMap<&str, usize> = State::ALL
        .iter()
        .map(|s| (state_key(*s), outcome.ledger.count(*s)))
        .collect();
    let files: Vec<_> = outcome.ledger.entries.iter().map(|e| {
        let file = e.file_index.map(|i| &outcome.files[i]);
        json!({
            "state": e.state,
            "submitter": e.submitter,
            "submitter_name": e.submitter.as_deref().and_then(|s| council.submitter(s)).map(|s| s.name.clone()),
            "period": e.period,
            "file": file.map(|f| f.path.display().to_string()),
            "sha256": file.map(|f| f.sha256.clone()),
            "submitted_on": e.submitted_on,
            "errors": e.errors,
            "warnings": e.warnings,
        })
    }).collect();
    let findings: Vec<&Finding> = outcome.findings().collect();
    let value = json!({
        "as_of": outcome.as_of,
        "files": outcome.ledger.files(),
        "counts": counts,
        "errors": findings.iter().filter(|f| f.severity == Severity::Error).count(),
        "warnings": findings.iter().filter(|f| f.severity == Severity::Warning).count(),
        "ledger": files,
        "findings": findings,
        "output": dir,
    });
    serde_json::to_string_pretty(&value).expect("plain data")
}

fn state_key(s: State) -> &'static str {
    match s {
        State::Accepted => "accepted",
        State::AcceptedWithWarnings => "accepted_with_warnings",
        State::Rejected => "rejected",
        State::Superseded => "superseded",
        State::Duplicate => "duplicate",
        State::UnknownSubmitter => "unknown_submitter",
        State::Missing => "missing",
        State::Awaiting => "awaiting",
    }
}

/// The closing summary of `build`: what was read, what was left out, where to look.
pub fn build_summary(built: &crate::pipeline::Built, timings: bool) -> String {
    use crate::archive::Placed;
    let o = &built.outcome;
    let errors = o
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = o
        .findings()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let mut out = String::new();
    out.push_str(&format!("{}\n", summary_line(&o.ledger)));
    out.push_str(&format!(
        "指摘: エラー {errors} 件、警告 {warnings} 件（詳細は check/検証結果.xlsx）\n"
    ));
    let left_out = o.ledger.count(State::Rejected) + o.ledger.count(State::UnknownSubmitter);
    if left_out > 0 {
        out.push_str(&format!("差戻し・提出者不明の {left_out} 件は集計に含めていません（check/提出状況一覧.xlsx）。\n"));
    }
    out.push_str(&format!("資料 {} 件を作成しました。\n", built.documents));
    for p in &built.stored.cleaned {
        out.push_str(&format!(
            "中断したビルドの一時フォルダを削除しました: {}\n",
            crate::commands::display_path(p)
        ));
    }
    let path = crate::commands::display_path(&built.stored.path);
    match built.stored.placed {
        Placed::New => out.push_str("新しいアーカイブを作成しました。\n"),
        Placed::Reproduced => out.push_str("同じ日付・見出しのアーカイブと1バイトも違わない結果になりました（既存のものをそのまま残しています）。\n"),
        Placed::Revision(n) => out.push_str(&format!("同じ日付・見出しのアーカイブと内容が違うため、第{n}版として保存しました。\n")),
    }
    if timings {
        out.push_str("\n所要時間:\n");
        for (what, secs) in &built.timings {
            out.push_str(&format!("  {what}: {:.0} ms\n", secs * 1000.0));
        }
        if let Some(mib) = peak_memory_mib() {
            out.push_str(&format!(
                "  最大メモリ（読み取り用の子プロセスを除く）: {mib} MiB\n"
            ));
        }
    }
    out.push_str(&format!("\n開くフォルダ: {path}\n"));
    out
}

/// What `verify` prints.
pub fn verify_text(dir: &std::path::Path, v: &crate::archive::Verification) -> String {
    let mut out = String::new();
    let name = crate::commands::display_path(dir);
    if v.ok() {
        out.push_str(&format!(
            "検証OK: {name}（{} ファイルが目録のハッシュと一致）\n",
            v.checked
        ));
        return out;
    }
    out.push_str(&format!("検証NG: {name}\n"));
    for f in &v.altered {
        out.push_str(&format!("  変更されています: {f}\n"));
    }
    for f in &v.missing {
        out.push_str(&format!("  ありません: {f}\n"));
    }
    for f in &v.unexpected {
        out.push_str(&format!("  目録にないファイル: {f}\n"));
    }
    out
}

/// The peak resident memory of this process so far (Linux `VmHWM`), if the system says.
fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
