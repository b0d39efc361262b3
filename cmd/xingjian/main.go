// Command xingjian is the administrative procuratorial supervision platform:
// one binary that serves the web UI and API, migrates the database, seeds the
// demo district, manages users and verifies the audit log.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // deadlines are in Asia/Shanghai even where the OS has no zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `xingjian — 行检 · 行政检察监督平台

用法 Usage:
  xingjian serve   [--addr 127.0.0.1:8080] [--data ./data] [--db postgres://…] [--demo]   启动服务 start the server
  xingjian migrate [--data …] [--db …] [--status]                                       升级数据库结构 apply migrations
  xingjian demo    [--data …] [--db …] [--records 20000]                                注入演示区县及处罚记录 seed the demo district
  xingjian import FILE --agency CODE [--data …] [--db …]                              导入行政处罚数据文件 import penalties (CSV/XLSX)
  xingjian org add --code CODE --name 名称 --kind KIND [--uscc CODE] [--parent CODE]       新增机构 add an organisation
  xingjian user add --username NAME --name 姓名 --org CODE --role ROLE [--password-stdin]  新增用户 add a user
  xingjian user passwd USERNAME [--password-stdin]                                     重置密码 reset a password
  xingjian user disable USERNAME | user enable USERNAME                                停用/启用用户
  xingjian audit verify [--data …] [--db …]                                            校验审计链 verify the audit chain
  xingjian calendar load FILE.json [--replace] | calendar list                         载入/查看节假日安排 load a year's holiday notice (holiday-cn JSON)
  xingjian dataset list | dataset import FILE --kind NAME --agency CODE                参考数据集：列表/导入 reference datasets (CSV/XLSX)
  xingjian models list | models run [--model ID,…] [--agency CODE [--selfcheck]] [--as-of DATE] | models sql ID
                                                                                      监督模型：目录/运行（进度条）/查看编译SQL
  xingjian version                                                                     版本 version

环境变量 Environment: XJ_ADDR, XJ_DATA, XJ_DB, XJ_DEMO=1 (same as the flags).
--db 为空时使用 --data 目录中的内置 SQLite；填写 postgres://… 则使用 PostgreSQL。
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "错误 error:", err)
			fmt.Fprint(os.Stderr, "\n"+usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "错误 error:", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run dispatches a command line; tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "org":
		return cmdOrg(ctx, rest, stdout, stderr)
	case "import":
		return cmdImport(ctx, rest, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, stdin, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "calendar":
		return cmdCalendar(ctx, rest, stdout, stderr)
	case "dataset":
		return cmdDataset(ctx, rest, stdout, stderr)
	case "models":
		return cmdModels(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "xingjian", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("未知命令 unknown command %q", cmd)}
	}
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	data, db string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", envOr("XJ_DATA", "./data"), "数据目录（SQLite 文件、上传文件、生成文书） data folder")
	fs.StringVar(&d.db, "db", os.Getenv("XJ_DB"), "数据库：空 = 内置 SQLite；postgres://… = PostgreSQL")
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags, turning flag errors into usage errors; -h is not an error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	return nil
}

var errHelp = errors.New("help shown")

// envDuration reads a duration from the environment (0 when unset or bad).
func envDuration(name string) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return 0
	}
	return d
}
