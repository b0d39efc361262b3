package dataset_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func auditCount(t *testing.T, db *store.DB, action string) int {
	return count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action)
}

func indexCount(t *testing.T, db *store.DB, table string) int {
	if db.Dialect() == store.Postgres {
		return count(t, db, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? AND indexname LIKE 'ix_%'", table)
	}
	return count(t, db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'ix_%'", table)
}

func TestSync(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := dataset.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM dataset_kinds WHERE builtin"); n != 13 {
			t.Fatalf("built-in kinds stored: %d, want 13", n)
		}
		// deaths: the key index, person_id_no (id_no and key), death_date.
		if n := indexCount(t, db, "ds_deaths"); n != 3 {
			t.Fatalf("ds_deaths indexes: %d, want 3", n)
		}
		// criminal_cases: key, case_no (text key), person_id_no, doc_date.
		if n := indexCount(t, db, "ds_criminal_cases"); n != 4 {
			t.Fatalf("ds_criminal_cases indexes: %d, want 4", n)
		}
		if n := auditCount(t, db, "dataset.sync"); n != 1 {
			t.Fatalf("first sync audited %d times", n)
		}

		t.Run("IdempotentWritesNothing", func(t *testing.T) {
			if err := dataset.Sync(ctx, db); err != nil {
				t.Fatal(err)
			}
			if n := auditCount(t, db, "dataset.sync"); n != 1 {
				t.Fatalf("an unchanged sync was audited (%d)", n)
			}
		})

		t.Run("WidensTable", func(t *testing.T) {
			ks, _ := dataset.Builtin()
			for i := range ks {
				if ks[i].Name == "deaths" {
					ks[i].Columns = append(ks[i].Columns,
						dataset.Column{Name: "cremated", Label: "是否火化", Type: dataset.Bool},
						dataset.Column{Name: "death_place_uscc", Label: "死亡地点机构代码", Type: dataset.USCC})
				}
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES ('GA', '公安', 'agency', 0, 0)`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO ds_deaths (agency_id, content_hash, created_at, updated_at, person_id_no, person_name, death_date)
				VALUES ((SELECT id FROM orgs WHERE code = 'GA'), 'h', 0, 0, '440703199001011239', '张三', '2024-05-06')`); err != nil {
				t.Fatal(err)
			}
			if err := dataset.SyncKinds(ctx, db, ks); err != nil {
				t.Fatal(err)
			}
			var cremated *bool
			var place string
			if err := db.QueryRowContext(ctx, "SELECT cremated, death_place_uscc FROM ds_deaths").Scan(&cremated, &place); err != nil {
				t.Fatalf("widened columns: %v", err)
			}
			if cremated != nil || place != "" {
				t.Fatalf("old row's new columns: %v %q", cremated, place)
			}
			if n := indexCount(t, db, "ds_deaths"); n != 4 {
				t.Fatalf("ds_deaths indexes after widening: %d, want 4 (the new uscc column indexed)", n)
			}
			var spec string
			if err := db.QueryRowContext(ctx, "SELECT spec FROM dataset_kinds WHERE name = 'deaths'").Scan(&spec); err != nil || !strings.Contains(spec, "death_place_uscc") {
				t.Fatalf("stored spec not updated: %v", err)
			}
			if n := auditCount(t, db, "dataset.sync"); n != 2 {
				t.Fatalf("widening audited: %d", n)
			}
			if err := dataset.SyncKinds(ctx, db, ks); err != nil {
				t.Fatal(err)
			}
			if n := auditCount(t, db, "dataset.sync"); n != 2 {
				t.Fatalf("a second widening sync changed something (%d)", n)
			}
		})
	})
}

func TestRegister(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		if err := dataset.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		reg := dataset.NewRegistry(db)

		t.Run("NeedsManage", func(t *testing.T) {
			err := reg.Register(ctx, w.prosecutor, goodKind())
			if apperr.As(err).Code != "forbidden" {
				t.Fatalf("prosecutor registered a kind: %v", err)
			}
		})
		t.Run("InvalidRefusedWithChineseMessage", func(t *testing.T) {
			k := goodKind()
			k.Keys = []string{"plate"}
			err := reg.Register(ctx, w.admin, k)
			if e := apperr.As(err); e.Code != "validation_failed" || !strings.Contains(e.Message, "标识列“plate”不是数据集的列") {
				t.Fatalf("got %v", err)
			}
			if ok := count(t, db, "SELECT COUNT(*) FROM dataset_kinds WHERE name = 'vehicle_seizures'"); ok != 0 {
				t.Fatal("invalid kind stored")
			}
		})
		t.Run("BuiltinNameTaken", func(t *testing.T) {
			k := goodKind()
			k.Name = "deaths"
			if e := apperr.As(reg.Register(ctx, w.admin, k)); e.Code != "duplicate" {
				t.Fatalf("got %v", e)
			}
		})
		t.Run("Registers", func(t *testing.T) {
			if err := reg.Register(ctx, w.admin, goodKind()); err != nil {
				t.Fatal(err)
			}
			k, err := reg.Kind(ctx, "vehicle_seizures")
			if err != nil || k.Builtin || len(k.Columns) != 4 {
				t.Fatalf("kind: %+v %v", k, err)
			}
			if n := indexCount(t, db, "ds_vehicle_seizures"); n != 4 { // key, plate_no, owner_id_no, seized_on
				t.Fatalf("indexes: %d", n)
			}
			if n := auditCount(t, db, "dataset.register"); n != 1 {
				t.Fatalf("audited %d", n)
			}
			ks, err := reg.Kinds(ctx)
			if err != nil || len(ks) != 17 {
				t.Fatalf("kinds: %d %v", len(ks), err)
			}
			rep, err := dataset.ImportRows(ctx, db, w.agcL, "vehicle_seizures", w.agency,
				[]string{"车牌号", "扣押日期", "状态"}, [][]string{{"粤J12345", "2024-05-06", "扣押中"}})
			if err != nil || rep.Inserted != 1 {
				t.Fatalf("import into registered kind: %+v %v", rep, err)
			}
		})
		t.Run("Again", func(t *testing.T) {
			if e := apperr.As(reg.Register(ctx, w.admin, goodKind())); e.Code != "duplicate" {
				t.Fatalf("got %v", e)
			}
		})
		t.Run("UnknownKind", func(t *testing.T) {
			_, err := reg.Kind(ctx, "nope")
			if !errors.Is(err, dataset.ErrUnknownKind) || apperr.As(err).Code != "not_found" {
				t.Fatalf("got %v", err)
			}
		})
	})
}
