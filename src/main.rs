//! Command line of kyogikai: parses arguments, calls the library, maps results to exit codes
//! (0 done, 1 done but submissions have errors, 2 the run failed).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kyogikai::commands::{self, display_path, Run};

#[derive(Parser)]
#[command(name = "kyogikai", version, about = "中高年世代活躍応援プロジェクト協議会 事務局の様式・集計・資料作成ツール")]
struct Cli {
    /// 協議会定義ファイル
    #[arg(long, global = true, default_value = "inputs/council.toml")]
    council: PathBuf,
    /// 処理の基準日 YYYY-MM-DD（省略時は SOURCE_DATE_EPOCH、なければ今日）
    #[arg(long, global = true)]
    as_of: Option<String>,
    /// 出力先フォルダ
    #[arg(long, global = true, default_value = "outputs")]
    out: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 構成員・区市町村PFに送る標準様式（Excel）を作る
    Forms {
        /// 期間ID（plan, h1, h2 など。省略時は最初の期間）
        #[arg(long)]
        period: Option<String>,
        /// 提出者ID（複数可。省略時は全提出者）
        #[arg(long, num_args = 1..)]
        submitter: Vec<String>,
    },
    /// 記入済みのサンプル提出ファイルを作る
    Sample {
        /// 期間ID（省略時はすべての期間）
        #[arg(long)]
        period: Option<String>,
        /// 提出者数の倍率（2以上で合成の協議会を <out>/sample-x<N>/ に作る）
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// 乱数の種
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("エラー: {err}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> kyogikai::Result<ExitCode> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let today = chrono::Local::now().date_naive();
    let as_of = commands::resolve_as_of(cli.as_of.as_deref(), epoch.as_deref(), today)?;
    let run = Run { council_path: cli.council, as_of, out: cli.out };
    match cli.command {
        Command::Forms { period, submitter } => {
            let files = commands::forms(&run, period.as_deref(), &submitter)?;
            let dir = files.first().and_then(|f| f.parent()).map(display_path).unwrap_or_default();
            println!("標準様式を {} 件作成しました: {dir}", files.len());
        }
        Command::Sample { period, scale, seed } => {
            let out = commands::sample(&run, period.as_deref(), scale, seed)?;
            println!(
                "サンプル提出ファイルを {} 件作成しました（協議会定義: {}）",
                out.files.len(),
                display_path(&out.council_path)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
