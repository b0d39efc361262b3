package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/enforce"
)

// pushActivities stores one inspection and two compulsory measures (one of
// them over the statutory period) for the agency orgID through the enforce
// API, as the admin, and returns the ids of the inspection and the flagged
// measure.
func pushActivities(t *testing.T, e *env, orgID int64) (inspID, measID int64) {
	t.Helper()
	ctx := context.Background()
	var p auth.Principal
	var role string
	if err := e.db.QueryRowContext(ctx, "SELECT u.id, u.username, u.role, u.org_id, o.kind FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = 'admin'").
		Scan(&p.UserID, &p.Username, &role, &p.OrgID, &p.OrgKind); err != nil {
		t.Fatal(err)
	}
	p.Role, _ = auth.LookupRole(role)
	im := enforce.NewImporter(e.db)
	rep, err := im.PushKind(ctx, &p, enforce.KindInspection, orgID, []map[string]any{{
		"doc_no": "青市监检〔2026〕501号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100MA2X11111L",
		"inspection_date": "2026-03-05", "inspection_kind": "双随机抽查", "result": "责令整改", "rectify_deadline": "2026-03-20",
		"items": "建材产品质量", "domain": "市场监管"}})
	if err != nil || rep.Inserted != 1 {
		t.Fatalf("push inspection: %+v %v", rep, err)
	}
	rep, err = im.PushKind(ctx, &p, enforce.KindMeasure, orgID, []map[string]any{
		{"doc_no": "青市监强〔2026〕501号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100MA2X11111L",
			"measure_kind": "扣押财物", "object": "不合格瓷砖 300 箱", "value": "15000", "start_date": "2026-03-01", "period_days": 45,
			"end_date": "2026-04-15", "outcome": "解除", "rights_notice": "否", "domain": "market"},
		{"doc_no": "青市监强〔2026〕502号", "party_name": "江州市青岚区鑫源食品商行", "party_uscc": "91350100MA3Y11111D",
			"measure_kind": "查封", "start_date": "2026-03-10", "period_days": 30, "rights_notice": true}})
	if err != nil || rep.Inserted != 2 || rep.Flagged != 1 {
		t.Fatalf("push measures: %+v %v", rep, err)
	}
	if err := e.db.QueryRowContext(ctx, "SELECT id FROM inspections WHERE doc_no = '青市监检〔2026〕501号'").Scan(&inspID); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueryRowContext(ctx, "SELECT id FROM measures WHERE doc_no = '青市监强〔2026〕501号'").Scan(&measID); err != nil {
		t.Fatal(err)
	}
	return inspID, measID
}

// exerciseActivities calls every inspections / measures / record-kinds route
// with a success and an error; TestResponsesMatchDocument runs it so that
// each answer is checked against the OpenAPI document.
func exerciseActivities(t *testing.T, e *env, expect func(what string, r response, status int, code string) response) {
	t.Helper()
	scjg := e.orgID("SCJG")
	inspID, measID := pushActivities(t, e, scjg)
	prosecutor, agency := e.login("prosecutor"), e.login("agency01")
	p := func(format string, a ...any) string { return fmt.Sprintf(format, a...) }
	for _, k := range []struct {
		path string
		id   int64
	}{{"inspections", inspID}, {"measures", measID}} {
		list := expect("list "+k.path, prosecutor.do("GET", "/api/v1/"+k.path+"?q="+url.QueryEscape("顺发")+"&limit=10", nil), 200, "")
		if items, _ := list.json()["items"].([]any); len(items) != 1 {
			t.Errorf("%s search: %s", k.path, list.body)
		}
		expect("list "+k.path+" bad date", prosecutor.do("GET", "/api/v1/"+k.path+"?from=2026-02-30", nil), 400, "validation_failed")
		expect("list "+k.path+" as court", e.login("court").do("GET", "/api/v1/"+k.path, nil), 403, "forbidden")
		expect("get "+k.path, prosecutor.do("GET", p("/api/v1/%s/%d", k.path, k.id), nil), 200, "")
		expect("get "+k.path+" out of scope", agency.do("GET", p("/api/v1/%s/%d", k.path, k.id), nil), 404, "not_found")
		exp := expect("export "+k.path, prosecutor.do("GET", "/api/v1/"+k.path+"/export.xlsx?limit=5", nil), 200, "")
		if !bytes.HasPrefix(exp.body, []byte("PK")) {
			t.Errorf("%s export is not an XLSX file", k.path)
		}
		expect("export "+k.path+" bad cursor", prosecutor.do("GET", "/api/v1/"+k.path+"/export.xlsx?cursor=zz", nil), 400, "validation_failed")
	}
	expect("fields of measures", prosecutor.do("GET", "/api/v1/record-kinds/measure/fields", nil), 200, "")
	expect("fields of penalties", agency.do("GET", "/api/v1/record-kinds/penalty/fields", nil), 200, "")
	expect("fields of an unknown kind", prosecutor.do("GET", "/api/v1/record-kinds/licence/fields", nil), 404, "not_found")
}

func TestActivitiesAPI(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		scjg := e.orgID("SCJG")
		inspID, measID := pushActivities(t, e, scjg)
		prosecutor, agency, court := e.login("prosecutor"), e.login("agency01"), e.login("court")

		// The list shows the kind's own fields, money in yuan.
		r := prosecutor.do("GET", "/api/v1/measures?flag=measure_period_exceeded", nil)
		got := items(t, r)
		if r.status != 200 || len(got) != 1 || got[0]["value"] != "15000.00" || got[0]["period_days"] != float64(45) || got[0]["end_date"] != "2026-04-15" {
			t.Fatalf("flagged measures: %d %s", r.status, r.body)
		}
		r = prosecutor.do("GET", "/api/v1/measures?measure_kind=seal", nil)
		if got := items(t, r); len(got) != 1 || got[0]["doc_no"] != "青市监强〔2026〕502号" || got[0]["end_date"] != nil {
			t.Fatalf("measures by kind: %s", r.body)
		}
		r = prosecutor.do("GET", "/api/v1/inspections?result=rectify&inspection_kind=random&domain=market&from=2026-03-01&to=2026-03-31", nil)
		if got := items(t, r); len(got) != 1 || got[0]["rectify_deadline"] != "2026-03-20" {
			t.Fatalf("inspections by result: %s", r.body)
		}
		if got := items(t, prosecutor.do("GET", "/api/v1/inspections?result=no_issue", nil)); len(got) != 0 {
			t.Fatalf("result filter lets others through: %v", got)
		}

		// The detail: every field, the source batch, the revisions.
		d := prosecutor.do("GET", fmt.Sprintf("/api/v1/measures/%d", measID), nil).json()
		rec, _ := d["record"].(map[string]any)
		batch, _ := d["batch"].(map[string]any)
		if rec["measure_kind"] != "seize" || rec["rights_notice"] != false || rec["value"] != "15000.00" || rec["org_name"] == "" ||
			batch["kind"] != "measure" || batch["source"] != "api" {
			t.Fatalf("measure detail: %v", d)
		}
		flags, _ := rec["flags"].([]any)
		if len(flags) != 1 || flags[0] != enforce.FlagMeasurePeriodExceeded {
			t.Fatalf("measure flags: %v", rec["flags"])
		}

		// A liaison sees only their own agency; others' records are 404.
		if got := items(t, agency.do("GET", "/api/v1/inspections", nil)); len(got) != 0 {
			t.Fatalf("agency01 sees SCJG's inspections: %v", got)
		}
		if r := agency.do("GET", fmt.Sprintf("/api/v1/inspections/%d", inspID), nil); r.status != 404 {
			t.Fatalf("agency01 reads SCJG's inspection: %d", r.status)
		}
		if r := court.do("GET", "/api/v1/inspections", nil); r.status != 403 {
			t.Fatalf("court lists inspections: %d", r.status)
		}
		liaison := e.login("agency04") // 市场监督管理局
		if got := items(t, liaison.do("GET", "/api/v1/inspections", nil)); len(got) != 1 {
			t.Fatalf("SCJG's liaison sees %d inspections", len(got))
		}

		// The export writes the Chinese labels.
		x := prosecutor.do("GET", "/api/v1/measures/export.xlsx?q="+url.QueryEscape("顺发"), nil)
		f, err := excelize.OpenReader(bytes.NewReader(x.body))
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		rows, err := f.GetRows("行政强制")
		if err != nil || len(rows) != 2 {
			t.Fatalf("export rows: %v %v", rows, err)
		}
		line := strings.Join(rows[1], "|")
		for _, want := range []string{"扣押财物", "解除", "市场监管", "法人及非法人组织", "强制措施期限超过法定期限"} {
			if !strings.Contains(line, want) {
				t.Errorf("export row lacks %q: %s", want, line)
			}
		}

		// The field list for the mapping dialog.
		fl := prosecutor.do("GET", "/api/v1/record-kinds/inspection/fields", nil).json()
		fields, _ := fl["fields"].([]any)
		first, _ := fields[0].(map[string]any)
		if fl["label"] != "行政检查" || first["id"] != "doc_no" || first["need"] != "column" {
			t.Fatalf("inspection fields: %v", fl)
		}
	})
}
