//! The text of the 記入要領 sheet: what to fill, by when, whom to ask, and the rules that keep
//! the workbook readable by the secretariat's tool.

use crate::council::{Council, Period, PeriodKind, Submitter, SubmitterKind};
use crate::dates::{nendo_with_seireki, wareki};

/// Lines of the guide; a line starting with "■" is a heading.
pub fn lines(council: &Council, submitter: &Submitter, period: &Period) -> Vec<String> {
    let c = &council.def.council;
    let s = &council.def.secretariat;
    let what = match period.kind {
        PeriodKind::Plan => "今年度の取組の計画と、数値の年間目標",
        PeriodKind::Progress => "期間中の取組の実施状況と、数値の実績",
    };
    let mut out = vec![
        format!("{} {} 標準様式", c.name, nendo_with_seireki(c.fiscal_year)),
        format!("提出者: {}（ID: {}）", submitter.name, submitter.id),
        format!(
            "報告期間: {}（{}〜{}）",
            period.name,
            wareki(period.start),
            wareki(period.end)
        ),
        format!("提出期限: {}", wareki(period.deadline)),
        String::new(),
        "■ 記入していただくこと".into(),
        format!("この様式には、{what}を記入してください。"),
        "1. 「基本情報」: 担当部署・担当者・連絡先・提出日を記入します（灰色の欄は記入済みです）。"
            .into(),
        "2. 「取組」: 1行に1つの取組を記入します。対象区分・実施地域・関連KPIは一覧から選びます。"
            .into(),
        "3. 「実績」: 黄色の欄に数値を整数で記入します。該当がなければ 0 を記入してください。"
            .into(),
    ];
    if submitter.kind == SubmitterKind::Municipal {
        out.push("4. 「好事例」: 他の地域の参考になる取組を記入します（任意）。".into());
        out.push(
            "5. 「連携・依頼事項」: 経済団体・他の区市町村・事務局への依頼を記入します（任意）。"
                .into(),
        );
    }
    out.extend([
        String::new(),
        "■ 守っていただくこと（集計を機械で行うため）".into(),
        "・シートの名前を変えたり、シートや行・列を追加・削除したりしないでください。".into(),
        "・セルを結合しないでください。".into(),
        "・数値の欄には数字だけを入力し、「人」「件」などの単位や記号を入れないでください。".into(),
        "・黄色の欄の外に書き込まないでください。補足は「備考」欄に記入してください。".into(),
        "・日付は 2026/5/15 の形で入力してください。".into(),
        "・隠しシート（_識別情報、_選択肢）は変更しないでください。".into(),
        String::new(),
        "■ 提出先・問合せ先".into(),
        format!("{}事務局 {}", c.short_name, s.contact_department),
        format!("電話: {}　メール: {}", s.contact_phone, s.contact_email),
        "記入した様式は、ファイル名を変えずにメールで返送してください。".into(),
        "内容に誤りがあった場合は、誤りのある欄に印をつけた様式をお返しします。".into(),
    ]);
    out
}
