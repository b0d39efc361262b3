package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// cli runs the command line against one database and returns stdout.
type cli struct {
	t    *testing.T
	args []string // --data / --db
}

func (c cli) run(stdin string, args ...string) (string, error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	full := args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		// flags go after the (sub)command words
		n := 1
		if args[0] == "user" || args[0] == "audit" || args[0] == "org" || args[0] == "import" || args[0] == "calendar" {
			n = 2
		}
		if len(args) < n {
			n = len(args)
		}
		full = append(append(append([]string{}, args[:n]...), c.args...), args[n:]...)
	}
	err := run(context.Background(), full, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func engines(t *testing.T, fn func(t *testing.T, c cli)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, cli{t, []string{"--data", t.TempDir()}}) })
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PGSchemaDSN(t)
		fn(t, cli{t, []string{"--data", t.TempDir(), "--db", dsn}})
	})
}

func TestMigrateDemoAndUsers(t *testing.T) {
	engines(t, func(t *testing.T, c cli) {
		out, err := c.run("", "migrate")
		if err != nil || !strings.Contains(out, "结构版本") {
			t.Fatalf("migrate: %v %s", err, out)
		}
		if out, err = c.run("", "demo", "--records", "300"); err != nil || !strings.Contains(out, "已注入演示区县") {
			t.Fatalf("demo: %v %s", err, out)
		}
		if out, err = c.run("", "demo"); err != nil || !strings.Contains(out, "未做改动") {
			t.Fatalf("second demo must change nothing: %v %s", err, out)
		}
		if out, err = c.run("", "org", "add", "--code", "TJJ", "--name", "江州市青岚区统计局", "--kind", "agency"); err != nil {
			t.Fatalf("org add: %v %s", err, out)
		}
		if out, err = c.run("weak\n", "user", "add", "--username", "clerk", "--name", "钱七", "--org", "TJJ", "--role", "agency_liaison", "--password-stdin"); err == nil {
			t.Fatalf("weak password accepted: %s", out)
		}
		if out, err = c.run("Secret123\n", "user", "add", "--username", "clerk", "--name", "钱七", "--org", "TJJ", "--role", "agency_liaison", "--password-stdin"); err != nil {
			t.Fatalf("user add: %v %s", err, out)
		}
		if out, err = c.run("Secret123\n", "user", "add", "--username", "clerk2", "--name", "钱八", "--org", "TJJ", "--role", "prosecutor", "--password-stdin"); err == nil {
			t.Fatalf("prosecutor in an agency accepted: %s", out)
		}
		if out, err = c.run("Other4567\n", "user", "passwd", "clerk", "--password-stdin"); err != nil {
			t.Fatalf("passwd: %v %s", err, out)
		}
		if out, err = c.run("", "user", "disable", "clerk"); err != nil || !strings.Contains(out, "停用") {
			t.Fatalf("disable: %v %s", err, out)
		}
		if out, err = c.run("", "user", "disable", "nobody"); err == nil {
			t.Fatalf("disabling a missing user succeeded: %s", out)
		}
		fixture := "../../internal/enforce/testdata/messy_gbk.csv"
		if out, err = c.run("", "import", fixture, "--agency", "SCJG"); err != nil || !strings.Contains(out, "导入完成") {
			t.Fatalf("import: %v %s", err, out)
		}
		if out, err = c.run("", "import", fixture, "--agency", "SCJG"); err != nil || !strings.Contains(out, "新增 0，更新 0") {
			t.Fatalf("re-import must change nothing: %v %s", err, out)
		}
		if out, err = c.run("", "import", fixture, "--agency", "NOPE"); err == nil {
			t.Fatalf("unknown agency accepted: %s", out)
		}
		if out, err = c.run("", "import", fixture, "--agency", "SCJG", "--kind", "permit"); err == nil {
			t.Fatalf("unknown kind accepted: %s", out)
		}
		// A sample file written by the demo imports whole (2 chunks and more).
		sample := t.TempDir() + "/sample.csv"
		if out, err = c.run("", "demo", "--csv", sample, "--records", "2100"); err != nil || !strings.Contains(out, "2100") {
			t.Fatalf("demo --csv: %v %s", err, out)
		}
		if out, err = c.run("", "import", sample, "--agency", "STHJ"); err != nil || !strings.Contains(out, "共 2100 行") || !strings.Contains(out, "拒收 0") {
			t.Fatalf("import of the demo sample: %v %s", err, out)
		}
		out, err = c.run("", "audit", "verify")
		if err != nil || !strings.Contains(out, "审计链完整") {
			t.Fatalf("audit verify: %v %s", err, out)
		}
	})
}

// The acceptance check of the foundation: `audit verify` catches an edited row.
func TestAuditVerifyCatchesEditedRow(t *testing.T) {
	engines(t, func(t *testing.T, c cli) {
		if _, err := c.run("", "demo", "--records", "0"); err != nil {
			t.Fatal(err)
		}
		db := openFor(t, c)
		ctx := context.Background()
		// An intruder with database access drops the guard and edits a row.
		drop := "DROP TRIGGER audit_log_no_update"
		if db.Dialect() == store.Postgres {
			drop += " ON audit_log"
		}
		if _, err := db.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = 'intruder' WHERE id = 3"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		out, err := c.run("", "audit", "verify")
		if err == nil || !strings.Contains(out, "第 3 条记录的内容与其哈希不符") {
			t.Fatalf("tampering not reported: err=%v\n%s", err, out)
		}
	})
}

func openFor(t *testing.T, c cli) *store.DB {
	t.Helper()
	var o store.Options
	for i := 0; i+1 < len(c.args); i += 2 {
		switch c.args[i] {
		case "--data":
			o.DataDir = c.args[i+1]
		case "--db":
			o.DSN = c.args[i+1]
		}
	}
	db, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestUsageErrors(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, nil, &out, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run(context.Background(), []string{"serve", "--no-such-flag"}, nil, &out, &out); err == nil {
		t.Fatal("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"serve", "--db", "mysql://x"}, nil, &out, &out); err == nil || !strings.Contains(err.Error(), "unsupported database") {
		t.Fatalf("unsupported database: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"version"}, nil, &out, &out); err != nil || !strings.HasPrefix(out.String(), "xingjian ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
}

// serve starts, seeds the demo, answers /readyz and a login, and stops on
// cancellation.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dir, "--demo", "--demo-records", "200", "--addr", "127.0.0.1:0"}, nil, pw, io.Discard)
		pw.Close()
	}()
	// The JSON log names the address it listens on.
	sc := bufio.NewScanner(pr)
	var addr string
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == "xingjian serving" {
			addr, _ = rec["addr"].(string)
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if addr == "" {
		cancel()
		t.Fatalf("server did not start: %v", <-done)
	}
	resp, err := http.Get(addr + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, err = http.Post(addr+"/api/v1/session", "application/json", strings.NewReader(`{"username":"chief","password":"demo"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login chief: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(dir + "/xingjian.db"); err != nil {
		t.Fatalf("no database file: %v", err)
	}
}

func TestCalendarLoadAndList(t *testing.T) {
	engines(t, func(t *testing.T, c cli) {
		out, err := c.run("", "calendar", "list")
		if err != nil || !strings.Contains(out, "2025  365   248     内置 embedded") || strings.Contains(out, "2027") {
			t.Fatalf("list: %v\n%s", err, out)
		}
		dir := t.TempDir()
		write := func(name, body string) string {
			p := dir + "/" + name
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		y2027 := write("2027.json", `{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`)
		if out, err := c.run("", "calendar", "load", write("bad.json", `{"year": 2027, "days": [{"date": "2027-13-01", "isOffDay": true}]}`)); err == nil || !strings.Contains(err.Error(), "节假日文件无效") {
			t.Fatalf("bad date accepted: %v %s", err, out)
		}
		emb, err := os.ReadFile("../../internal/calendar/holidays/2025.json")
		if err != nil {
			t.Fatal(err)
		}
		if out, err := c.run("", "calendar", "load", write("2025.json", string(emb))); err == nil || !strings.Contains(err.Error(), "--replace") {
			t.Fatalf("embedded year replaced without --replace: %v %s", err, out)
		}
		if out, err = c.run("", "calendar", "load", y2027); err != nil || !strings.Contains(out, "已载入2027年节假日安排") || !strings.Contains(out, "变动 365 天") {
			t.Fatalf("load 2027: %v\n%s", err, out)
		}
		// A new process (the next command) keeps the loaded year.
		if out, err = c.run("", "calendar", "list"); err != nil || !strings.Contains(out, "2027  365   260     载入 loaded") {
			t.Fatalf("list after load: %v\n%s", err, out)
		}
		if out, err = c.run("", "calendar", "load", "--replace", write("2025.json", string(emb))); err != nil || !strings.Contains(out, "变动 365 天") {
			t.Fatalf("replace 2025 with the same notice: %v\n%s", err, out) // only the source column changes
		}
		if out, err = c.run("", "migrate"); err != nil || strings.Contains(out, "calendar_days 已更新") {
			t.Fatalf("migrate after load must not change the calendar: %v\n%s", err, out)
		}
		if _, err := c.run("", "calendar"); err == nil {
			t.Fatal("calendar without a subcommand accepted")
		}
	})
}
