package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/directory"
	"github.com/xingjian/xingjian/internal/httpapi"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/supervise"
	"github.com/xingjian/xingjian/internal/webui"
)

// openDB opens and migrates the database.
func openDB(ctx context.Context, d dbFlags) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{DSN: d.db, DataDir: d.data})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := syncCalendar(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := syncDatasets(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := syncModels(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var d dbFlags
	d.register(fs)
	addr := fs.String("addr", envOr("XJ_ADDR", "127.0.0.1:8080"), "监听地址 listen address")
	withDemo := fs.Bool("demo", os.Getenv("XJ_DEMO") == "1", "首次启动时注入演示区县数据 seed the demo district on first start")
	demoRecords := fs.Int("demo-records", demo.DefaultRecords, "与 --demo 一起：演示处罚记录条数（0 = 不生成）")
	secure := fs.Bool("secure-cookie", false, "会话 Cookie 仅经 HTTPS 发送（部署在 TLS 之后时开启）")
	trustProxy := fs.Bool("trust-proxy", false, "信任反向代理的 X-Forwarded-For 头")
	logLevel := fs.String("log-level", "info", "日志级别 debug|info|warn|error")
	clockOffset := fs.Duration("clock-offset", envDuration("XJ_CLOCK_OFFSET"), "仅用于培训和测试：办案时钟相对系统时间的偏移（如 1560h），用来演示期限届满和提醒")
	if err := parse(fs, args); err != nil {
		return helpOK(err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{"--log-level 须为 debug、info、warn 或 error"}
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: level}))

	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := os.MkdirAll(filepath.Join(d.data, "uploads"), 0o750); err != nil {
		return fmt.Errorf("创建上传目录失败: %w", err)
	}
	if *withDemo {
		created, err := demo.Seed(ctx, db)
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			log.Warn("demo district not seeded: the database already has organisations")
		case err != nil:
			return fmt.Errorf("注入演示数据失败: %w", err)
		case created && *demoRecords > 0:
			log.Info("demo district seeded", "district", demo.District, "password", "demo")
			start := time.Now()
			sum, err := demo.SeedRecords(ctx, db, *demoRecords, demo.DefaultSeed, nil)
			if err != nil {
				return fmt.Errorf("注入演示处罚记录失败: %w", err)
			}
			log.Info("demo penalty records seeded", "records", sum.Records, "elapsed", time.Since(start).Round(time.Millisecond).String())
			act, err := demo.SeedActivities(ctx, db) // inspections and compulsory measures
			if err != nil {
				return fmt.Errorf("注入演示行政检查、行政强制记录失败: %w", err)
			}
			log.Info("demo inspections and measures seeded", "inspections", act.Inspections, "measures", act.Measures)
			ds, err := seedDemoDatasets(ctx, db)
			if err != nil {
				return fmt.Errorf("注入演示参考数据集失败: %w", err)
			}
			log.Info("demo reference datasets seeded", "tables", len(ds.Tables))
			cw, err := demo.SeedCasework(ctx, db, time.Now())
			if err != nil {
				return fmt.Errorf("注入演示办案数据失败: %w", err)
			}
			log.Info("demo casework seeded", "cases", cw.Cases, "suggestions", cw.Suggestions)
		case created:
			log.Info("demo district seeded", "district", demo.District, "password", "demo")
		}
	}
	authSvc := auth.NewService(db)
	engine := supervise.NewEngine(db, dataset.NewRegistry(db))
	cases := casework.New(db)
	if off := *clockOffset; off != 0 {
		log.Warn("casework clock is offset (training/test only)", "offset", off.String())
		cases.Now = func() time.Time { return time.Now().Add(off) }
	}
	srv := httpapi.New(httpapi.Config{DB: db, Auth: authSvc, Dir: directory.New(db), Log: log, Version: version,
		UI: webui.Handler(), SecureCookie: *secure, TrustProxy: *trustProxy, Models: engine, Casework: cases})
	hs := &http.Server{Addr: *addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s: %w", *addr, err)
	}
	go purgeSessions(ctx, authSvc, log)
	// Scheduled models (cron per model, Asia/Shanghai); a lease in the
	// database keeps replicas from running the same model twice.
	go engine.Scheduler(ctx, time.Minute, func(err error) { log.Warn("scheduled model run failed", "err", err) })
	// Reply-deadline reminders (D-7, D-1, due day, overdue); each is written
	// once whichever replica gets there first.
	go cases.Sweeper(ctx, time.Hour, log)
	log.Info("xingjian serving", "addr", "http://"+ln.Addr().String(), "database", db.Where, "version", version, "ui_built", webui.Built())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(shutCtx)
	srv.Close() // running imports roll back
	return err
}

func purgeSessions(ctx context.Context, a *auth.Service, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.PurgeExpiredSessions(ctx); err != nil {
				log.Warn("purge sessions", "error", err)
			} else if n > 0 {
				log.Info("expired sessions purged", "count", n)
			}
		}
	}
}

func helpOK(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	var d dbFlags
	d.register(fs)
	statusOnly := fs.Bool("status", false, "只显示当前版本 only show the status")
	if err := parse(fs, args); err != nil {
		return helpOK(err)
	}
	db, err := store.Open(ctx, store.Options{DSN: d.db, DataDir: d.data})
	if err != nil {
		return err
	}
	defer db.Close()
	if !*statusOnly {
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		if n, err := syncCalendar(ctx, db); err != nil {
			return err
		} else if n > 0 {
			fmt.Fprintf(stdout, "工作日表 calendar_days 已更新 %d 天\n", n)
		}
	}
	st, err := db.Status(ctx)
	if err != nil {
		if *statusOnly {
			fmt.Fprintln(stdout, "数据库尚未初始化 (no migrations applied)")
			return nil
		}
		return err
	}
	fmt.Fprintf(stdout, "数据库 %s：结构版本 %d / 最新 %d\n", db.Where, st.Applied, st.Latest)
	return nil
}

// writeDemoCSV writes n demo penalties as one agency's CSV export.
func writeDemoCSV(path string, n int, stdout io.Writer) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("无法创建文件 %s: %w", path, err)
	}
	if err := demo.WriteCSV(f, n, demo.DefaultSeed); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已写出 %d 条演示处罚记录：%s\n", n, path)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var d dbFlags
	d.register(fs)
	records := fs.Int("records", demo.DefaultRecords, "演示行政处罚记录条数（0 = 不生成） number of demo penalty records")
	csvPath := fs.String("csv", "", "只把演示处罚记录写成“双公示”格式 CSV 文件（导入示例、基准测试），不改数据库 write the records as a sample import file instead")
	if err := parse(fs, args); err != nil {
		return helpOK(err)
	}
	if *records < 0 {
		return usageError{"--records 不能为负数"}
	}
	if *csvPath != "" {
		return writeDemoCSV(*csvPath, *records, stdout)
	}
	explicit := false // --records given: a different existing count is an error, not "unchanged"
	for _, a := range args {
		explicit = explicit || a == "--records" || a == "-records" || strings.HasPrefix(a, "--records=") || strings.HasPrefix(a, "-records=")
	}
	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	created, err := demo.Seed(ctx, db)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "已注入演示区县“%s”：%d 个机构、%d 个用户，密码均为 demo\n", demo.District, len(demo.Orgs), len(demo.Users()))
	} else {
		fmt.Fprintln(stdout, "演示数据已存在，未做改动")
	}
	if *records == 0 {
		return nil
	}
	bar := newProgressBar(stderr, "条")
	sum, err := demo.SeedRecords(ctx, db, *records, demo.DefaultSeed, func(n int) {
		bar.update(int64(n), float64(n)/float64(max(*records, 1)))
	})
	bar.finish()
	if err != nil {
		return err
	}
	if act, err := demo.SeedActivities(ctx, db); err != nil { // inspections and compulsory measures, once
		return err
	} else if act.Created {
		fmt.Fprintf(stdout, "已生成演示行政检查记录 %d 条、行政强制措施记录 %d 条\n", act.Inspections, act.Measures)
	}
	if ds, err := seedDemoDatasets(ctx, db); err != nil { // reference datasets, once
		return err
	} else if len(ds.Tables) > 0 {
		rows := 0
		for _, t := range ds.Tables {
			rows += len(t.Rows)
		}
		fmt.Fprintf(stdout, "已导入演示参考数据集 %d 张表、%d 行（含监督模型预置线索）\n", len(ds.Tables), rows)
	}
	if !sum.Created {
		if explicit && sum.Records != *records {
			return fmt.Errorf("数据库中已有 %d 条演示处罚记录，未再生成；如需 %d 条，请使用新的数据库", sum.Records, *records)
		}
		fmt.Fprintf(stdout, "演示处罚记录已存在（%d 条），未做改动\n", sum.Records)
		return nil
	}
	planted := 0
	for _, docs := range sum.Planted {
		planted += len(docs)
	}
	elapsed := time.Since(bar.start)
	fmt.Fprintf(stdout, "已生成演示行政处罚记录 %d 条（%s 至 %s，含预置违法情形 %d 条），用时 %.1f 秒\n",
		sum.Records, sum.From, sum.Today, planted, elapsed.Seconds())
	return nil
}

func cmdOrg(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError{"用法: xingjian org add --code CODE --name 名称 --kind KIND"}
	}
	fs := newFlagSet("org add", stderr)
	var d dbFlags
	d.register(fs)
	code := fs.String("code", "", "机构编码")
	name := fs.String("name", "", "机构名称")
	kinds := make([]string, len(auth.OrgKinds))
	for i, k := range auth.OrgKinds {
		kinds[i] = k.Code + "=" + k.Name
	}
	kind := fs.String("kind", "", "机构类别: "+strings.Join(kinds, ", "))
	uscc := fs.String("uscc", "", "统一社会信用代码")
	parent := fs.String("parent", "", "上级机构编码")
	if err := parse(fs, args[1:]); err != nil {
		return helpOK(err)
	}
	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	dir := directory.New(db)
	in := directory.OrgInput{Code: code, Name: name, Kind: kind, USCC: uscc}
	if *parent != "" {
		var pid int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", *parent).Scan(&pid); err != nil {
			return fmt.Errorf("上级机构 %q 不存在", *parent)
		}
		in.ParentID = &pid
	}
	o, err := dir.CreateOrg(ctx, operator(), in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已新增机构 %s（%s，编号 %d）\n", o.Name, o.Code, o.ID)
	if !o.USCCValid {
		fmt.Fprintln(stdout, "注意：统一社会信用代码校验位不符（GB 32100），已按原样保存并标记")
	}
	return nil
}

// operator is the principal for commands an operator runs on the server: it
// may do anything an administrator may, and the audit log names it "cli".
func operator() *auth.Principal {
	r, _ := auth.LookupRole(auth.RoleAdmin)
	host, _ := os.Hostname()
	return &auth.Principal{Username: "cli@" + host, Role: r, IP: "local"}
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"用法: xingjian user add|passwd|disable|enable …"}
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("user "+sub, stderr)
	var d dbFlags
	d.register(fs)
	var username, name, orgCode, role *string
	if sub == "add" {
		username = fs.String("username", "", "登录名")
		name = fs.String("name", "", "姓名")
		orgCode = fs.String("org", "", "所属机构编码")
		roles := make([]string, len(auth.Roles))
		for i, r := range auth.Roles {
			roles[i] = r.Code + "=" + r.Name
		}
		role = fs.String("role", "", "角色: "+strings.Join(roles, ", "))
	}
	pwStdin := fs.Bool("password-stdin", false, "从标准输入读取密码（否则交互输入）")
	if err := parse(fs, rest); err != nil {
		return helpOK(err)
	}
	if sub != "add" {
		// The login name may stand before or after the flags.
		if fs.NArg() < 1 {
			return usageError{"请指定一个登录名"}
		}
		u := fs.Arg(0)
		username = &u
		if err := parse(fs, fs.Args()[1:]); err != nil {
			return helpOK(err)
		}
		if fs.NArg() != 0 {
			return usageError{"只能指定一个登录名"}
		}
	}
	db, err := openDB(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	dir := directory.New(db)
	op := operator()
	readPassword := func() (string, error) {
		if !*pwStdin {
			fmt.Fprint(stderr, "请输入新密码（至少 8 位，含字母和数字）: ")
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		pw := strings.TrimRight(line, "\r\n")
		if p := auth.PasswordProblem(pw); p != "" {
			return "", errors.New(p)
		}
		return pw, nil
	}
	switch sub {
	case "add":
		var orgID int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", *orgCode).Scan(&orgID); err != nil {
			return fmt.Errorf("机构编码 %q 不存在（可先用 xingjian org add 新增机构）", *orgCode)
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := dir.CreateUser(ctx, op, directory.UserInput{Username: username, DisplayName: name, OrgID: &orgID, Role: role, Password: &pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已新增用户 %s（%s，%s）\n", u.Username, u.DisplayName, u.OrgName)
		return nil
	case "passwd", "disable", "enable":
		var id int64
		var version int
		if err := db.QueryRowContext(ctx, "SELECT id, version FROM users WHERE username = ?", auth.NormalizeUsername(*username)).Scan(&id, &version); err != nil {
			return fmt.Errorf("用户 %q 不存在", *username)
		}
		if sub == "passwd" {
			pw, err := readPassword()
			if err != nil {
				return err
			}
			if err := dir.ResetPassword(ctx, op, id, pw); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已重置 %s 的密码，并解除锁定、注销其全部会话\n", *username)
			return nil
		}
		disabled := sub == "disable"
		if _, err := dir.UpdateUser(ctx, op, id, directory.UserInput{Disabled: &disabled, Version: version}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已%s用户 %s\n", map[bool]string{true: "停用", false: "启用"}[disabled], *username)
		return nil
	default:
		return usageError{fmt.Sprintf("未知子命令 user %s", sub)}
	}
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{"用法: xingjian audit verify"}
	}
	fs := newFlagSet("audit verify", stderr)
	var d dbFlags
	d.register(fs)
	if err := parse(fs, args[1:]); err != nil {
		return helpOK(err)
	}
	db, err := store.Open(ctx, store.Options{DSN: d.db, DataDir: d.data})
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := audit.VerifyOrErr(ctx, db)
	if errors.Is(err, audit.ErrTampered) {
		fmt.Fprintf(stdout, "审计链校验失败！共 %d 条记录，发现 %d 处问题：\n", rep.Rows, len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "  - %s\n", p.Problem)
		}
		return errors.New("审计日志已被篡改 (audit log chain is broken)")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "审计链完整：共 %d 条记录，链头哈希 %s\n", rep.Rows, rep.Head)
	fmt.Fprintln(stdout, "提示：定期把链头哈希抄录到系统之外（如纸质台账），可发现整段重写。")
	return nil
}
