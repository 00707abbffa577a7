//! Command line of kyogikai: parses arguments, calls the library, maps results to exit codes
//! (0 done, 1 done but submissions have errors, 2 the run failed).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kyogikai::commands::{self, Run, display_path};

#[derive(Parser)]
#[command(
    name = "kyogikai",
    version,
    about = "中高年世代活躍応援プロジェクト協議会 事務局の様式・集計・資料作成ツール"
)]
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
    /// 編集可能なテンプレートのフォルダ（ないファイルは内蔵のものを使う）
    #[arg(long, global = true, default_value = "templates")]
    templates: PathBuf,
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
    /// 返送された様式を読み込んで検証し、提出状況・指摘・返送用ファイル・メール文を作る
    Check {
        /// 期間ID（省略時はすべての期間）
        #[arg(long)]
        period: Option<String>,
        /// 出力形式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 1ファイルの読み取りにかける時間の上限（秒）
        #[arg(long, default_value_t = 30.0)]
        read_timeout: f64,
        /// 読み込むファイルまたはフォルダ（省略時は inputs/submissions/<年度>/）
        paths: Vec<PathBuf>,
    },
    /// 受理された提出を区分別・地域別に集計し、JSON で出力する
    Aggregate {
        /// 報告する実績の期間ID（省略時は受理済みの最新の期間）
        #[arg(long)]
        period: Option<String>,
        /// 版: internal（構成員限り）または public（公表用・秘匿処理済み）
        #[arg(long, value_enum, default_value_t = EditionArg::Internal)]
        edition: EditionArg,
        /// 前年度の集計（aggregate.json またはそれを含むアーカイブのフォルダ）
        #[arg(long)]
        previous: Option<PathBuf>,
        /// JSON で標準出力に出す（既定）
        #[arg(long, default_value_t = true)]
        json: bool,
    },
    /// 検証・集計・資料作成を一度に行い、日付つきの公式記録（アーカイブ）にまとめる
    Build {
        /// 会議資料を作る会議の回（協議会定義の meetings.number）
        #[arg(long)]
        meeting: Option<u32>,
        /// 版: internal（構成員限り）、public（公表用）、both（両方）
        #[arg(long, value_enum, default_value_t = EditionArg::Both)]
        edition: EditionArg,
        /// アーカイブ名の見出し（省略時は「令和8年度第2回協議会」など）
        #[arg(long)]
        label: Option<String>,
        /// 報告する実績の期間ID
        #[arg(long)]
        period: Option<String>,
        /// 前年度の集計（aggregate.json またはそれを含むアーカイブのフォルダ）
        #[arg(long)]
        previous: Option<PathBuf>,
        /// 段階ごとの所要時間を表示する
        #[arg(long)]
        timings: bool,
    },
    /// アーカイブのすべてのファイルを目録のハッシュと照合する
    Verify {
        /// アーカイブのフォルダ
        archive: PathBuf,
    },
    /// 事業実施計画・KPI進捗状況報告・会議資料を PDF と Excel で作る
    Render {
        /// 報告する実績の期間ID（省略時は受理済みの最新の期間）
        #[arg(long)]
        period: Option<String>,
        /// 会議資料を作る会議の回（協議会定義の meetings.number）
        #[arg(long)]
        meeting: Option<u32>,
        /// 版: internal（構成員限り）、public（公表用）、both（両方）
        #[arg(long, value_enum, default_value_t = EditionArg::Both)]
        edition: EditionArg,
        /// 前年度の集計（aggregate.json またはそれを含むアーカイブのフォルダ）
        #[arg(long)]
        previous: Option<PathBuf>,
        /// 段階ごとの所要時間を表示する
        #[arg(long)]
        timings: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EditionArg {
    Internal,
    Public,
    Both,
}

impl EditionArg {
    fn editions(self) -> Vec<kyogikai::aggregate::Edition> {
        use kyogikai::aggregate::Edition;
        match self {
            EditionArg::Internal => vec![Edition::Internal],
            EditionArg::Public => vec![Edition::Public],
            EditionArg::Both => vec![Edition::Internal, Edition::Public],
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    // The isolated workbook reader (see kyogikai::ingest): not a user command.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(kyogikai::ingest::CHILD_COMMAND) {
        let memory = args.get(2).and_then(|m| m.parse().ok()).unwrap_or(1 << 30);
        return ExitCode::from(kyogikai::ingest::child_main(memory) as u8);
    }
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
    let exe = std::env::current_exe().ok();
    let run = Run {
        council_path: cli.council,
        as_of,
        out: cli.out,
        templates: cli.templates,
        exe,
    };
    match cli.command {
        Command::Forms { period, submitter } => {
            let files = commands::forms(&run, period.as_deref(), &submitter)?;
            let dir = files
                .first()
                .and_then(|f| f.parent())
                .map(display_path)
                .unwrap_or_default();
            let workbooks = files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "xlsx"))
                .count();
            println!("標準様式を {workbooks} 件作成しました（送付用の依頼文: 依頼文.txt）: {dir}");
        }
        Command::Sample {
            period,
            scale,
            seed,
        } => {
            let out = commands::sample(&run, period.as_deref(), scale, seed)?;
            println!(
                "サンプル提出ファイルを {} 件作成しました（協議会定義: {}）",
                out.files.len(),
                display_path(&out.council_path)
            );
        }
        Command::Check {
            period,
            format,
            read_timeout,
            paths,
        } => {
            let options = kyogikai::check::Options {
                period,
                paths,
                read_timeout: std::time::Duration::from_secs_f64(read_timeout.max(0.1)),
                ..Default::default()
            };
            let result = commands::check(&run, options)?;
            let dir = display_path(&result.dir);
            let text = match format {
                Format::Text => {
                    kyogikai::console::check_text(&result.council, &result.outcome, &dir)
                }
                Format::Json => {
                    kyogikai::console::check_json(&result.council, &result.outcome, &dir)
                }
            };
            print!("{text}");
            if result.outcome.needs_action() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Aggregate {
            period,
            edition,
            previous,
            json: _,
        } => {
            let (council, agg, _) =
                commands::aggregate(&run, period.as_deref(), previous.as_deref())?;
            let agg = match edition {
                EditionArg::Public => agg.public(&council)?.0,
                _ => agg,
            };
            println!("{}", agg.to_json());
        }
        Command::Build {
            meeting,
            edition,
            label,
            period,
            previous,
            timings,
        } => {
            let options = kyogikai::pipeline::Options {
                meeting,
                editions: edition.editions(),
                label,
                period,
                previous,
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            let built = kyogikai::pipeline::build(&run, &options)?;
            print!("{}", kyogikai::console::build_summary(&built, timings));
            if built.outcome.needs_action() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Verify { archive } => {
            let v = kyogikai::archive::verify(&archive)?;
            print!("{}", kyogikai::console::verify_text(&archive, &v));
            if !v.ok() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Render {
            period,
            meeting,
            edition,
            previous,
            timings,
        } => {
            let result = commands::render(
                &run,
                period.as_deref(),
                meeting,
                &edition.editions(),
                previous.as_deref(),
            )?;
            if timings {
                for (what, secs) in &result.timings.entries {
                    println!("  {what}: {:.0} ms", secs * 1000.0);
                }
            }
            println!(
                "資料を {} 件作成しました: {}",
                result.files.len(),
                display_path(&result.dir)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
