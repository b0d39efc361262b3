package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/calendar/caldb"
	"github.com/xingjian/xingjian/internal/store"
)

// syncCalendar brings calendar_days in line with the embedded holiday files
// merged with the years loaded by `xingjian calendar load`, and makes the
// process-wide calendar hold the loaded years too.
func syncCalendar(ctx context.Context, db *store.DB) (int, error) {
	_, n, err := caldb.Startup(ctx, db, calendar.Default())
	if err != nil {
		return n, fmt.Errorf("同步工作日表 calendar_days 失败: %w", err)
	}
	return n, nil
}

func cmdCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "load" && args[0] != "list") {
		return usageError{"用法: xingjian calendar load FILE.json [--replace] | xingjian calendar list"}
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("calendar "+sub, stderr)
	var d dbFlags
	d.register(fs)
	replace := false
	if sub == "load" {
		fs.BoolVar(&replace, "replace", false, "替换已有年份（内置或此前载入）的节假日安排 replace a covered year")
	}
	var file string
	if sub == "load" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:] // calendar load FILE [flags]
	}
	if err := parse(fs, rest); err != nil {
		return helpOK(err)
	}
	switch {
	case sub == "load" && file == "" && fs.NArg() == 1:
		file = fs.Arg(0) // calendar load [flags] FILE
	case sub == "load" && (file == "" || fs.NArg() != 0):
		return usageError{"用法: xingjian calendar load FILE.json [--replace]（holiday-cn 格式的一年节假日安排）"}
	case sub == "list" && fs.NArg() != 0:
		return usageError{"用法: xingjian calendar list"}
	}
	var data []byte
	if sub == "load" {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return fmt.Errorf("无法读取文件 %s: %w", file, err)
		}
	}
	db, err := openDB(ctx, d) // migrates and syncs calendar_days
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := caldb.Calendar(ctx, db)
	if err != nil {
		return err
	}
	if sub == "load" {
		year, changed, err := caldb.Load(ctx, db, c, data, loadedBy(), replace)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已载入%d年节假日安排（%s）；工作日表变动 %d 天\n", year, file, changed)
	}
	years, err := caldb.Years(ctx, db, c)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "年份  天数  工作日  来源")
	for _, y := range years {
		src := "内置 embedded"
		if y.Loaded != nil {
			src = fmt.Sprintf("载入 loaded %s by %s", time.UnixMilli(y.Loaded.LoadedAt).In(calendar.Location()).Format("2006-01-02 15:04"), y.Loaded.LoadedBy)
		}
		fmt.Fprintf(stdout, "%d  %d   %d     %s  %s\n", y.Year, y.Days, y.WorkingDays, src, strings.Join(y.Papers, " "))
	}
	return nil
}

// loadedBy names the operator in calendar_sources.loaded_by.
func loadedBy() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}
