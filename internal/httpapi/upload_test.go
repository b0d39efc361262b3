package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/httpapi"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// TestUploadTooLarge: a file over the upload limit (here 1 MB; 200 MB in
// service) is refused with 413 and a Chinese message pointing to the CLI,
// synchronously or as a background job, writes nothing, and the server goes
// on serving.
func TestUploadTooLarge(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(c *httpapi.Config) { c.MaxUpload = 1 << 20 })
		admin := e.login("admin")
		var scjg int64
		if err := db.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		big := bytes.Repeat([]byte("行政相对人名称,行政处罚决定书文号\n某公司,某罚〔2024〕1号\n"), (3<<20)/60)
		for _, async := range []string{"false", "true"} {
			r := admin.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg), "async": async}, "big.csv", big)
			if r.status != 413 || r.errCode() != "body_too_large" || !strings.Contains(string(r.body), "1 MB") || !strings.Contains(string(r.body), "xingjian import") {
				t.Fatalf("async=%s: %d %s", async, r.status, r.body)
			}
		}
		var batches int
		if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM import_batches").Scan(&batches); err != nil || batches != 0 {
			t.Fatalf("batches after refused uploads: %d %v", batches, err)
		}
		small, err := os.ReadFile("../enforce/testdata/clean_national.csv")
		if err != nil {
			t.Fatal(err)
		}
		if r := admin.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg)}, "clean.csv", small); r.status != 201 {
			t.Fatalf("a file under the limit after refused ones: %d %s", r.status, r.body)
		}
	})
}
