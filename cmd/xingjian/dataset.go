package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/store"
)

// syncDatasets writes the built-in dataset kinds into the registry and
// creates or widens every dataset table (see dataset.Sync).
func syncDatasets(ctx context.Context, db *store.DB) error {
	if err := dataset.Sync(ctx, db); err != nil {
		return fmt.Errorf("同步参考数据集 dataset_kinds 失败: %w", err)
	}
	return nil
}

const datasetUsage = "用法: xingjian dataset list | xingjian dataset import FILE --kind NAME --agency CODE"

// cmdDataset lists the dataset kinds with their row counts, or imports a
// reference-dataset file for a supplying org with a progress bar.
func cmdDataset(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "import") {
		return usageError{datasetUsage}
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("dataset "+sub, stderr)
	var d dbFlags
	d.register(fs)
	var kind, agency *string
	var file string
	if sub == "import" {
		kind = fs.String("kind", "", "数据集名称 dataset kind (xingjian dataset list)")
		agency = fs.String("agency", "", "报送单位的编码或统一社会信用代码 supplying org code or credit code")
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return usageError{datasetUsage}
		}
		file, rest = rest[0], rest[1:]
	}
	if err := parse(fs, rest); err != nil {
		return helpOK(err)
	}
	if sub == "import" && (*kind == "" || *agency == "") {
		return usageError{"请用 --kind 指定数据集、--agency 指定报送单位"}
	}
	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "list" {
		return datasetList(ctx, db, stdout)
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
	var agencyID int64
	if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ? OR (uscc = ? AND uscc <> '')", *agency, *agency).Scan(&agencyID); err != nil {
		return fmt.Errorf("机构 %q 不存在", *agency)
	}
	bar := newProgressBar(stderr, "行")
	var read atomic.Int64
	rep, err := dataset.Import(ctx, db, operator(), *kind, dataset.FileImport{AgencyID: agencyID, FileName: file, File: f, Size: st.Size(), BytesRead: &read,
		Progress: func(n int) { bar.update(int64(n), float64(read.Load())/float64(max(st.Size(), 1))) }})
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
	if len(rep.Rejects) == batch.MaxReportRejects {
		fmt.Fprintf(stdout, "  ……其余拒收原因已保存在批次 %d 中\n", rep.BatchID)
	}
	return nil
}

func datasetList(ctx context.Context, db *store.DB, stdout io.Writer) error {
	ks, err := dataset.NewRegistry(db).Kinds(ctx)
	if err != nil {
		return err
	}
	counts, err := dataset.RowCounts(ctx, db, auth.Scope{District: true}, ks)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-24s %-8s %8s  %-28s %s\n", "名称 name", "来源", "行数", "标识列 keys", "中文名称 label")
	for _, k := range ks {
		origin, rows := "登记", fmt.Sprint(counts[k.Name])
		switch {
		case k.Enforcement:
			origin, rows = "执法数据", "-"
		case k.Builtin:
			origin = "内置"
		}
		fmt.Fprintf(stdout, "%-24s %-8s %8s  %-28s %s\n", k.Name, origin, rows, strings.Join(k.Keys, ","), k.Label)
	}
	return nil
}
