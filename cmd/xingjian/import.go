package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/xingjian/xingjian/internal/enforce"
)

// cmdImport imports a file of enforcement records for an agency, with a
// progress bar, and prints the report with every rejected row. Files of any
// size stream through in bounded memory (the 200 MB limit is the web
// upload's).
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	var d dbFlags
	d.register(fs)
	agency := fs.String("agency", "", "导入机构的编码或统一社会信用代码 agency code or credit code")
	kind := fs.String("kind", enforce.KindPenalty, "记录种类 record kind: penalty 行政处罚 | inspection 行政检查 | measure 行政强制")
	if len(args) == 0 {
		return usageError{"用法: xingjian import FILE --agency CODE [--kind penalty|inspection|measure]"}
	}
	file, rest := args[0], args[1:]
	if err := parse(fs, rest); err != nil {
		return helpOK(err)
	}
	if *agency == "" {
		return usageError{"请用 --agency 指定导入机构"}
	}
	if *kind != enforce.KindPenalty && *kind != enforce.KindInspection && *kind != enforce.KindMeasure {
		return usageError{"--kind 须为 penalty（行政处罚）、inspection（行政检查）或 measure（行政强制）"}
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("无法打开文件 %s: %w", file, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	var agencyID int64
	if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ? OR (uscc = ? AND uscc <> '')", *agency, *agency).Scan(&agencyID); err != nil {
		return fmt.Errorf("机构 %q 不存在", *agency)
	}
	bar := newProgressBar(stderr, "行")
	var read atomic.Int64
	in := enforce.FileImport{AgencyID: agencyID, FileName: file, File: f, Size: st.Size(), BytesRead: &read,
		Progress: func(n int) { bar.update(int64(n), float64(read.Load())/float64(max(st.Size(), 1))) }} // negative for workbooks: rows only
	var rep enforce.Report
	if *kind == enforce.KindPenalty {
		rep, err = enforce.NewImporter(db).ImportFile(ctx, operator(), in)
	} else {
		rep, err = enforce.NewImporter(db).ImportKindFile(ctx, operator(), *kind, in)
	}
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "导入完成（批次 %d）：共 %d 行，新增 %d，更新 %d，未变 %d，拒收 %d，标记存疑 %d\n",
		rep.BatchID, rep.Total, rep.Inserted, rep.Updated, rep.Unchanged, rep.Rejected, rep.Flagged)
	for _, e := range rep.Rejects {
		col := e.Column
		if col == "" {
			col = "整行"
		}
		fmt.Fprintf(stdout, "  第 %d 行 [%s] %s\n", e.Line, col, e.Reason)
	}
	if len(rep.Rejects) == enforce.MaxReportRejects {
		fmt.Fprintf(stdout, "  ……其余拒收原因已保存在批次 %d 中\n", rep.BatchID)
	}
	return nil
}
