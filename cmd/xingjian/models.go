package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/supervise"
)

// syncModels writes the built-in model catalogue into the models table (see
// supervise.Sync).
func syncModels(ctx context.Context, db *store.DB) error {
	if err := supervise.Sync(ctx, db, time.Now()); err != nil {
		return fmt.Errorf("同步内置监督模型失败: %w", err)
	}
	return nil
}

// seedDemoDatasets imports the demo district's reference datasets once,
// through the dataset importer (as the suppliers' files would be).
func seedDemoDatasets(ctx context.Context, db *store.DB) (demo.DatasetSummary, error) {
	return demo.SeedDatasets(ctx, db, demo.DefaultSeed, demo.RecordsToday, dataset.RowsImporter(db, operator()))
}

const modelsUsage = "用法: xingjian models list | models run [--model ID,ID…] [--agency CODE] [--selfcheck] [--as-of YYYY-MM-DD] | models sql ID"

// cmdModels lists the catalogue, runs models with a progress bar, or prints
// a model's compiled SQL.
func cmdModels(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "run" && args[0] != "sql") {
		return usageError{modelsUsage}
	}
	sub, rest := args[0], args[1:]
	var id string
	if sub == "sql" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return usageError{modelsUsage}
		}
		id, rest = rest[0], rest[1:]
	}
	fs := newFlagSet("models "+sub, stderr)
	var d dbFlags
	d.register(fs)
	model := fs.String("model", "", "只运行这些模型（逗号分隔）；默认运行全部已启用模型")
	agency := fs.String("agency", "", "只检查该单位（编码或统一社会信用代码）的数据")
	self := fs.Bool("selfcheck", false, "与 --agency 一起：作为该单位的自查运行，结果仅该单位可见，不进入检察院线索")
	asOf := fs.String("as-of", "", "按该日期判断期限（默认今天，北京时间）")
	if err := parse(fs, rest); err != nil {
		return helpOK(err)
	}
	if *self && *agency == "" {
		return usageError{"--selfcheck 须与 --agency 一起使用"}
	}
	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	e := supervise.NewEngine(db, dataset.NewRegistry(db))
	switch sub {
	case "list":
		return modelsList(ctx, db, stdout)
	case "sql":
		m, err := supervise.Get(ctx, db, id)
		if err != nil {
			return fmt.Errorf("模型 %q 不存在", id)
		}
		day, err := e.AsOf(*asOf)
		if err != nil {
			return usageError{err.Error()}
		}
		c, err := e.Compile(ctx, m, day, 0)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, c.Select)
		return nil
	}
	req := supervise.RunRequest{Trigger: "cli", Actor: audit.System("cli"), Mode: supervise.ModeRun}
	if req.AsOf, err = e.AsOf(*asOf); err != nil {
		return usageError{err.Error()}
	}
	if *model != "" {
		for _, m := range strings.Split(*model, ",") {
			if m = strings.TrimSpace(m); m != "" {
				req.Models = append(req.Models, m)
			}
		}
	}
	if *agency != "" {
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ? OR (uscc = ? AND uscc <> '')", *agency, *agency).Scan(&req.Agency); err != nil {
			return fmt.Errorf("机构 %q 不存在", *agency)
		}
		if *self {
			req.Mode = supervise.ModeSelfCheck
		}
	}
	bar := newProgressBar(stderr, "个模型")
	req.Started = func(_ string, total int) { bar.update(0, 0) }
	req.Progress = func(done, total int, _ supervise.RunRecord) {
		bar.update(int64(done), float64(done)/float64(max(total, 1)))
	}
	start := time.Now()
	runs, err := e.Run(ctx, req)
	bar.finish()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "模型\t状态\t扫描行数\t命中\t新增线索\t证据变化\t耗时\t说明")
	failed := 0
	var hits, fresh int
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%dms\t%s\n", r.ModelID, statusText(r.Status), groupDigits(r.RowsScanned), r.Hits, r.NewLeads, r.Changed, r.DurationMS, r.Error)
		if r.Status == supervise.StatusFailed {
			failed++
		}
		hits += r.Hits
		fresh += r.NewLeads
	}
	tw.Flush()
	what := "新增线索"
	if req.Mode == supervise.ModeSelfCheck {
		what = "自查结果（仅本单位可见）"
		fresh = hits
	}
	fmt.Fprintf(stdout, "共运行 %d 个模型，命中 %d 条，%s %d 条，用时 %s\n", len(runs), hits, what, fresh, time.Since(start).Round(time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d 个模型运行失败（其余模型已完成）", failed)
	}
	return nil
}

func statusText(s string) string {
	switch s {
	case supervise.StatusDone:
		return "完成"
	case supervise.StatusFailed:
		return "失败"
	case supervise.StatusSkipped:
		return "跳过"
	}
	return s
}

func modelsList(ctx context.Context, db *store.DB, stdout io.Writer) error {
	ms, err := supervise.Models(ctx, db)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "标识\t编号\t名称\t启用\t版本\t法律依据")
	for _, m := range ms {
		on := "否"
		if m.On {
			on = "是"
		}
		num := ""
		if m.Number > 0 {
			num = fmt.Sprintf("#%d", m.Number)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", m.ID, num, m.Name, on, m.Revision, m.Legal())
	}
	return tw.Flush()
}
