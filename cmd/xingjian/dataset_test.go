package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDatasetCommands(t *testing.T) {
	engines(t, func(t *testing.T, c cli) {
		ds := func(args ...string) (string, error) {
			t.Helper()
			var out bytes.Buffer
			n := 2 // flags after "dataset list" / "dataset import FILE"
			if len(args) > 1 && args[1] == "import" {
				n = 3
			}
			full := append(append(append([]string{}, args[:n]...), c.args...), args[n:]...)
			err := run(context.Background(), full, strings.NewReader(""), &out, &out)
			return out.String(), err
		}
		if out, err := c.run("", "org", "add", "--code", "FY", "--name", "江州市青岚区人民法院", "--kind", "court"); err != nil {
			t.Fatalf("org add: %v %s", err, out)
		}
		out, err := ds("dataset", "list")
		if err != nil || !strings.Contains(out, "criminal_cases") || !strings.Contains(out, "penalties") || !strings.Contains(out, "执法数据") {
			t.Fatalf("list: %v %s", err, out)
		}
		fixture := "../../internal/dataset/testdata/criminal_cases.csv"
		out, err = ds("dataset", "import", fixture, "--kind", "criminal_cases", "--agency", "FY")
		if err != nil || !strings.Contains(out, "共 10 行，新增 4") || !strings.Contains(out, "第 9 行 [整行] 标识列（案号、被告人身份证号）与第 3 行重复") {
			t.Fatalf("import: %v %s", err, out)
		}
		if out, err = ds("dataset", "import", fixture, "--kind", "criminal_cases", "--agency", "FY"); err != nil || !strings.Contains(out, "新增 0，更新 0，未变 4") {
			t.Fatalf("re-import: %v %s", err, out)
		}
		if out, err = ds("dataset", "list"); err != nil || !strings.Contains(out, "       4  case_no,person_id_no") {
			t.Fatalf("list after import: %v %s", err, out)
		}
		if _, err = ds("dataset", "import", "../../internal/dataset/testdata/criminal_cases_nokey.csv", "--kind", "criminal_cases", "--agency", "FY"); err == nil ||
			!strings.Contains(err.Error(), "缺少标识列“案号”") {
			t.Fatalf("file without key column: %v", err)
		}
		if _, err = ds("dataset", "import", fixture, "--kind", "nope", "--agency", "FY"); err == nil || !strings.Contains(err.Error(), "数据集“nope”不存在") {
			t.Fatalf("unknown kind: %v", err)
		}
		if err := run(context.Background(), []string{"dataset"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Fatal("bare dataset command accepted")
		}
	})
}
