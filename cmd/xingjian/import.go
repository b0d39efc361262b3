package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/xingjian/xingjian/internal/enforce"
)

// cmdImport imports a penalty file for an agency, showing rows read as it
// goes, and prints the report with every rejected row.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	var d dbFlags
	d.register(fs)
	agency := fs.String("agency", "", "导入机构的编码或统一社会信用代码 agency code or credit code")
	if len(args) == 0 {
		return usageError{"用法: xingjian import FILE --agency CODE"}
	}
	file, rest := args[0], args[1:]
	if err := parse(fs, rest); err != nil {
		return helpOK(err)
	}
	if *agency == "" {
		return usageError{"请用 --agency 指定导入机构"}
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
	rep, err := enforce.NewImporter(db).ImportFile(ctx, operator(), enforce.FileImport{AgencyID: agencyID, FileName: file, File: f, Size: st.Size(),
		Progress: func(n int) { fmt.Fprintf(stderr, "\r已读取 %d 行…", n) }})
	fmt.Fprintln(stderr)
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
