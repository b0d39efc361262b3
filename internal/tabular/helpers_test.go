package tabular

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// nationalKnown is the national 双公示 legal-person layout (DOMAIN.md §3).
var nationalKnown = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期",
	"公示截止期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
}

func openFile(t testing.TB, path string) (*Book, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Open(bytes.NewReader(data), int64(len(data)), filepath.Base(path))
}

func openBytes(data []byte, name string) (*Book, error) {
	return Open(bytes.NewReader(data), int64(len(data)), name)
}

// readAll reads every row, failing the test on any error but io.EOF.
func readAll(t testing.TB, rs Rows) []Row {
	t.Helper()
	var out []Row
	for {
		r, err := rs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(out), err)
		}
		out = append(out, r)
	}
	if err := rs.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return out
}

func wantCode(t *testing.T, err error, sentinel *Error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want code %s", err, sentinel.Code)
	}
	var te *Error
	if !errors.As(err, &te) || te.Message == "" {
		t.Fatalf("error %v is not an *Error with a message", err)
	}
}
