package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/docx"
	"github.com/xingjian/xingjian/internal/supervise"
)

// Casework over HTTP (issue 5, docs/api-casework.md): the access matrix
// rows, the whole loop with every operation's success and errors, and the
// bad input of the issue.

// Who holds the casework permissions (internal/auth/roles.go).
var (
	caseHandlers = []string{"prosecutor", "depthead", "chief"}
	statsReaders = []string{"prosecutor", "depthead", "chief", "leader"}
)

// cwFix builds casework fixtures through the service directly (fast, and
// independent of the HTTP layer under test).
type cwFix struct {
	t   *testing.T
	e   *env
	svc *casework.Service
	ctx context.Context
}

func newCWFix(t *testing.T, e *env) *cwFix {
	return &cwFix{t: t, e: e, svc: newCasework(e.db), ctx: context.Background()}
}

// who is the principal of a demo login.
func (f *cwFix) who(username string) *auth.Principal {
	f.t.Helper()
	p := &auth.Principal{Username: username}
	var role string
	if err := f.e.db.QueryRowContext(f.ctx, `SELECT u.id, u.display_name, u.org_id, u.role, o.kind FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?`, username).
		Scan(&p.UserID, &p.DisplayName, &p.OrgID, &role, &p.OrgKind); err != nil {
		f.t.Fatalf("user %s: %v", username, err)
	}
	p.Role, _ = auth.LookupRole(role)
	return p
}

func (f *cwFix) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// lead is a manual lead about agency01's org.
func (f *cwFix) lead(title string) int64 {
	f.t.Helper()
	gaql := f.e.orgID("GAQL")
	id, err := supervise.CreateManual(f.ctx, f.e.db, audit.System("test"), supervise.ManualLead{Title: title, AgencyID: &gaql, Facts: "来信反映"}, testNow)
	f.must(err)
	return id
}

// newCase opens a case handled by the prosecutor about agency01's org.
func (f *cwFix) newCase(title string) int64 {
	f.t.Helper()
	gaql := f.e.orgID("GAQL")
	id, err := f.svc.CreateCase(f.ctx, f.who("prosecutor"), casework.CaseInput{Type: casework.TypeViolation, Title: title, AgencyID: &gaql})
	f.must(err)
	return id
}

// draft drafts a suggestion of kind to agency01's org on a new case.
func (f *cwFix) draft(kind string) int64 {
	f.t.Helper()
	id, err := f.svc.CreateDraft(f.ctx, f.who("prosecutor"), f.newCase("夹具案件 "+kind), casework.DraftInput{Kind: kind, RecipientOrgID: f.e.orgID("GAQL")})
	f.must(err)
	return id
}

// act takes a suggestion action at its current version.
func (f *cwFix) act(username string, id int64, in casework.TransitionInput) {
	f.t.Helper()
	p := f.who(username)
	d, err := f.svc.GetSuggestion(f.ctx, p, id)
	f.must(err)
	in.Version = d.Version
	f.must(f.svc.Transition(f.ctx, p, id, in))
}

// delivered is a suggestion approved and delivered to agency01's org today.
func (f *cwFix) delivered(kind string) int64 {
	f.t.Helper()
	id := f.draft(kind)
	f.act("prosecutor", id, casework.TransitionInput{Action: "submit"})
	approver := "depthead"
	if k, _ := casework.KindOf(kind); k.Approver == auth.RoleChief {
		approver = "chief"
	}
	f.act(approver, id, casework.TransitionInput{Action: "approve"})
	f.act("prosecutor", id, casework.TransitionInput{Action: "deliver", Method: "written", ReceivedOn: testNow.Format("2006-01-02")})
	return id
}

// replied is a delivered suggestion agency01 answered with outcome.
func (f *cwFix) replied(kind, outcome string) int64 {
	f.t.Helper()
	id := f.delivered(kind)
	f.must(f.svc.Reply(f.ctx, f.who("agency01"), id, casework.ReplyInput{Outcome: outcome, Reasons: "理由", Measures: "措施"}))
	return id
}

// escalate requests the next ladder step as username and returns its id.
func (f *cwFix) escalate(username string, sid int64) int64 {
	f.t.Helper()
	id, err := f.svc.Escalate(f.ctx, f.who(username), sid, "不采纳理由不成立")
	f.must(err)
	return id
}

// caseworkAccessRules are the TestAccessMatrix rows of the casework routes.
// State-changing calls repeated by several callers get one fixture each.
func caseworkAccessRules(t *testing.T, e *env, clients map[string]*client) map[string]accessRule {
	t.Helper()
	f := newCWFix(t, e)
	gaql, prosecutor := e.orgID("GAQL"), e.userID("prosecutor")
	everyone := []string{"*"}
	notFound := outcome{404, "not_found"}
	// Casework's participants: the procuratorate's handlers, the
	// recipients (agency, court) and the justice bureau. A participant asking
	// for what is not theirs is told "not found"; anyone else is refused.
	participants := append([]string{"agency01", "court", "justice"}, caseHandlers...)
	outsiders := map[string]outcome{"court": notFound, "justice": notFound}
	perCaller := func(make func(who string) int64) map[string]int64 {
		m := map[string]int64{}
		for _, who := range persons {
			m[who] = make(who)
		}
		return m
	}
	at := func(format string, ids map[string]int64) func(string) string {
		return func(who string) string { return fmt.Sprintf(format, ids[who]) }
	}
	one := func(format string, id int64) func(string) string {
		return func(string) string { return fmt.Sprintf(format, id) }
	}
	body := func(v any) func(string) any { return func(string) any { return v } }

	// Leads to confirm and merge, one per caller; a merge target.
	confirmLeads := perCaller(func(who string) int64 { return f.lead("矩阵成案 " + who) })
	mergeLeads := perCaller(func(who string) int64 { return f.lead("矩阵合并 " + who) })
	mergeTarget := f.lead("矩阵合并目标")
	assignLead := f.lead("矩阵分派")
	// A case everybody reads and edits; one per caller to move.
	shared := f.newCase("矩阵案件")
	moving := perCaller(func(who string) int64 { return f.newCase("矩阵流转 " + who) })
	// A draft everybody edits (version read at the call).
	draft := f.draft(casework.KindViolation)
	// Delivered suggestions to agency01's org: one to read, one to reply,
	// one to object to, one being rectified.
	readable := f.delivered(casework.KindViolation)
	toReply := f.delivered(casework.KindViolation)
	toObject := f.delivered(casework.KindViolation)
	rectifying := f.replied(casework.KindViolation, casework.OutcomeAdopted)
	var docID int64
	if err := e.db.QueryRowContext(f.ctx, `SELECT id FROM attachments WHERE owner_type = 'suggestion' AND owner_id = ? AND kind = 'document'`, readable).Scan(&docID); err != nil {
		t.Fatal(err)
	}
	// Not adopted: each handler escalates its own; opinions after their
	// follow-up letter: each handler converts its own.
	toEscalate := perCaller(func(who string) int64 {
		if !contains(caseHandlers, who) {
			return readable
		}
		return f.replied(casework.KindViolation, casework.OutcomeNotAdopted)
	})
	toConvert := perCaller(func(who string) int64 {
		if !contains(caseHandlers, who) {
			return readable
		}
		id := f.replied(casework.KindOpinion, casework.OutcomeNotAdopted)
		f.escalate("prosecutor", id)
		return id
	})
	// An escalation copied to the justice bureau, and one waiting for the chief.
	ladder := f.replied(casework.KindViolation, casework.OutcomeNotAdopted)
	copied := f.escalate("prosecutor", ladder)
	pending := f.escalate("prosecutor", ladder)

	settings := map[string]any{"doc_abbr": "青岚", "header": "江州市青岚区人民检察院", "approval": map[string]string{"violation": "dept_head"}}
	reply := map[string]any{"outcome": "adopted", "measures": "已整改"}
	return map[string]accessRule{
		// The permission check passes; no such self-check result.
		"POST /api/v1/selfcheck/report": {allow: []string{"agency01"}, ok: 404, okCode: "not_found",
			body: body(map[string]any{"model_id": "m20_simple_over_limit", "subject_key": "none"})},
		"POST /api/v1/leads/assign": {allow: leadTriagers, ok: 200, body: body(map[string]any{"ids": []int64{assignLead}, "assignee_id": prosecutor})},
		"POST /api/v1/leads/{id}/confirm": {allow: caseHandlers, ok: 200, path: at("/api/v1/leads/%d/confirm", confirmLeads),
			body: func(who string) any {
				return map[string]any{"new_case": map[string]any{"type": "admin_violation", "title": "矩阵成案 " + who}}
			}},
		"POST /api/v1/leads/{id}/merge": {allow: leadTriagers, ok: 200, path: at("/api/v1/leads/%d/merge", mergeLeads),
			body: body(map[string]any{"into": mergeTarget})},
		"GET /api/v1/casework/dictionaries": {allow: everyone, ok: 200},
		"GET /api/v1/casework/handlers":     {allow: caseHandlers, ok: 200},
		"GET /api/v1/casework/settings":     {allow: []string{"admin", "prosecutor", "depthead", "chief"}, ok: 200},
		"PUT /api/v1/casework/settings":     {allow: []string{"admin", "chief"}, ok: 200, body: body(settings)},
		"GET /api/v1/casework/stats":        {allow: statsReaders, ok: 200},
		"GET /api/v1/cases":                 {allow: caseHandlers, ok: 200},
		"POST /api/v1/cases": {allow: caseHandlers, ok: 201,
			body: func(who string) any { return map[string]any{"type": "governance", "title": "矩阵新案 " + who} }},
		// Case routes with an id: whoever may not read cases gets 404.
		"GET /api/v1/cases/{id}": {allow: caseHandlers, ok: 200, path: one("/api/v1/cases/%d", shared)},
		"PATCH /api/v1/cases/{id}": {allow: caseHandlers, ok: 200, path: one("/api/v1/cases/%d", shared),
			body: func(who string) any {
				return map[string]any{"version": e.version("cases", shared), "summary": "矩阵 " + who}
			}},
		"POST /api/v1/cases/{id}/transitions": {allow: caseHandlers, ok: 200,
			path: at("/api/v1/cases/%d/transitions", moving), body: body(map[string]any{"action": "review", "version": 1})},
		"GET /api/v1/cases/{id}/events": {allow: caseHandlers, ok: 200, path: one("/api/v1/cases/%d/events", shared)},
		// A JSON body where the multipart upload belongs: the permission
		// check passes, then the body is refused.
		"POST /api/v1/cases/{id}/attachments": {allow: caseHandlers, ok: 415, okCode: "unsupported_media_type",
			path: one("/api/v1/cases/%d/attachments", shared), body: body(map[string]any{})},
		"POST /api/v1/cases/{id}/suggestions": {allow: caseHandlers, ok: 201,
			path: one("/api/v1/cases/%d/suggestions", shared), body: body(map[string]any{"kind": "violation", "recipient_org_id": gaql})},
		// The recipient reads the documents of what was delivered to it.
		"GET /api/v1/attachments/{id}": {allow: append([]string{"agency01"}, caseHandlers...), ok: 200,
			override: outsiders, path: one("/api/v1/attachments/%d", docID)},
		// Casework's participants may list; each sees only what is theirs.
		"GET /api/v1/suggestions": {allow: participants, ok: 200},
		"GET /api/v1/suggestions/{id}": {allow: append([]string{"agency01"}, caseHandlers...), ok: 200,
			override: outsiders, path: one("/api/v1/suggestions/%d", readable)},
		"PATCH /api/v1/suggestions/{id}": {allow: caseHandlers, ok: 200, path: one("/api/v1/suggestions/%d", draft),
			body: func(who string) any {
				return map[string]any{"version": e.version("suggestions", draft), "title": "矩阵修改 " + who}
			}},
		"POST /api/v1/suggestions/{id}/transitions": {allow: caseHandlers, ok: 200,
			path: one("/api/v1/suggestions/%d/transitions", draft),
			body: func(who string) any {
				return map[string]any{"action": "consult", "version": e.version("suggestions", draft), "note": "征求意见 " + who}
			}},
		// Recipient actions: the court liaison may reply to suggestions,
		// but this one is another org's (404); the rest lack the permission.
		"POST /api/v1/suggestions/{id}/reply": {allow: []string{"agency01"}, ok: 200, override: map[string]outcome{"court": notFound},
			path: one("/api/v1/suggestions/%d/reply", toReply), body: body(reply)},
		"POST /api/v1/suggestions/{id}/objection": {allow: []string{"agency01"}, ok: 200, override: map[string]outcome{"court": notFound},
			path: one("/api/v1/suggestions/%d/objection", toObject), body: body(map[string]any{"reasons": "认定事实有误"})},
		"POST /api/v1/suggestions/{id}/rectifications": {allow: []string{"agency01"}, ok: 200, override: map[string]outcome{"court": notFound},
			path: one("/api/v1/suggestions/%d/rectifications", rectifying), body: body(map[string]any{"progress": "整改中"})},
		"POST /api/v1/suggestions/{id}/attachments": {allow: append([]string{"agency01", "court"}, caseHandlers...), ok: 415, okCode: "unsupported_media_type",
			path: one("/api/v1/suggestions/%d/attachments", readable), body: body(map[string]any{})},
		"GET /api/v1/suggestions/{id}/document.docx": {allow: append([]string{"agency01"}, caseHandlers...), ok: 200,
			override: outsiders, path: one("/api/v1/suggestions/%d/document.docx", readable)},
		"POST /api/v1/suggestions/{id}/escalations": {allow: caseHandlers, ok: 201,
			path: at("/api/v1/suggestions/%d/escalations", toEscalate), body: body(map[string]any{"reason": "不采纳理由不成立"})},
		"POST /api/v1/suggestions/{id}/convert": {allow: caseHandlers, ok: 201,
			path: at("/api/v1/suggestions/%d/convert", toConvert)},
		"GET /api/v1/escalations": {allow: append([]string{"justice"}, caseHandlers...), ok: 200},
		"GET /api/v1/escalations/{id}": {allow: append([]string{"justice"}, caseHandlers...), ok: 200,
			override: map[string]outcome{"agency01": notFound, "court": notFound}, path: one("/api/v1/escalations/%d", copied)},
		// Only the chief may approve.
		"POST /api/v1/escalations/{id}/approve": {allow: []string{"chief"}, ok: 200,
			path: one("/api/v1/escalations/%d/approve", pending)},
		"POST /api/v1/escalations/{id}/handling": {allow: []string{"justice"}, ok: 200, path: one("/api/v1/escalations/%d/handling", copied),
			body: body(map[string]any{"handling": "已约谈", "result": "已督促整改"})},
		"GET /api/v1/notifications":              {allow: everyone, ok: 200},
		"GET /api/v1/notifications/unread-count": {allow: everyone, ok: 200},
		"POST /api/v1/notifications/read":        {allow: everyone, ok: 200, body: body(map[string]any{"all": true})},
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCaseworkAPI(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		expect := func(what string, r response, status int, code string) response {
			t.Helper()
			if r.status != status || (code != "" && r.errCode() != code) {
				t.Errorf("%s: got %d %s, want %d %s", what, r.status, r.body, status, code)
			}
			return r
		}
		exerciseCasework(t, e, expect)
	})
}

// exerciseCasework runs the casework loop over HTTP through every
// operation's success and errors: for TestResponsesMatchDocument and,
// alone, TestCaseworkAPI. A lead becomes a case, the suggestion is drafted,
// approved, delivered, answered, rectified and verified and the case
// closes; a second suggestion is objected to, not adopted and escalated; an
// opinion is turned into a suggestion.
func exerciseCasework(t *testing.T, e *env, expect func(what string, r response, status int, code string) response) {
	t.Helper()
	p := func(format string, a ...any) string { return fmt.Sprintf(format, a...) }
	id := func(r response) int64 {
		t.Helper()
		v, ok := r.json()["id"].(float64)
		if !ok {
			t.Fatalf("no id in %d %s", r.status, r.body)
		}
		return int64(v)
	}
	ver := func(r response) int { return int(num(r.json()["version"])) }
	admin, prosecutor, depthead, chief := e.login("admin"), e.login("prosecutor"), e.login("depthead"), e.login("chief")
	leader, agency, agency2, anon := e.login("leader"), e.login("agency01"), e.login("agency02"), e.anon()
	// TestResponsesMatchDocument changes the justice officer's password
	// before it gets here.
	justice := e.anon()
	for _, pw := range []string{demo.Password, "Justice2026"} {
		if r := justice.do("POST", "/api/v1/session", map[string]string{"username": "justice", "password": pw}); r.status == 200 {
			justice.csrf, _ = r.json()["csrf_token"].(string)
			break
		}
	}
	gaql := e.orgID("GAQL")

	// Dictionaries and settings.
	d := expect("dictionaries", agency.do("GET", "/api/v1/casework/dictionaries", nil), 200, "")
	if kinds, _ := d.json()["suggestion_kinds"].([]any); len(kinds) != 6 {
		t.Errorf("dictionaries: %s", d.body)
	}
	expect("dictionaries anon", anon.do("GET", "/api/v1/casework/dictionaries", nil), 401, "unauthenticated")
	hl := expect("handlers", depthead.do("GET", "/api/v1/casework/handlers", nil), 200, "")
	if its := items(t, hl); len(its) < 3 || its[0]["role_name"] == "" {
		t.Errorf("handlers: %s", hl.body)
	}
	expect("handlers as agency", agency.do("GET", "/api/v1/casework/handlers", nil), 403, "forbidden")
	st := expect("settings", prosecutor.do("GET", "/api/v1/casework/settings", nil), 200, "")
	if st.json()["doc_abbr"] != "青岚" {
		t.Errorf("settings: %s", st.body)
	}
	expect("settings as agency", agency.do("GET", "/api/v1/casework/settings", nil), 403, "forbidden")
	expect("save settings", admin.do("PUT", "/api/v1/casework/settings", map[string]any{"doc_abbr": "青岚", "header": "江州市青岚区人民检察院",
		"approval": map[string]string{"violation": "dept_head", "opinion": "chief"}}), 200, "")
	r := expect("save bad settings", chief.do("PUT", "/api/v1/casework/settings", map[string]any{"doc_abbr": "青岚", "header": "x",
		"approval": map[string]string{"violation": "prosecutor"}}), 400, "validation_failed")
	if !strings.Contains(errMessage(r), "审批人") {
		t.Errorf("bad settings message: %s", r.body)
	}
	expect("save settings as prosecutor", prosecutor.do("PUT", "/api/v1/casework/settings", map[string]any{"doc_abbr": "x", "header": "x"}), 403, "forbidden")

	// Self-report: an agency's own self-check result becomes a lead (when
	// the caller ran one: exerciseModels does).
	res := expect("self-check results", agency.do("GET", "/api/v1/selfcheck/results", nil), 200, "")
	if its := items(t, res); len(its) > 0 {
		in := map[string]any{"model_id": its[0]["model_id"], "subject_key": its[0]["subject_key"], "note": "已自行纠正"}
		sr := expect("self report", agency.do("POST", "/api/v1/selfcheck/report", in), 201, "")
		if n := e.countRows("leads", "id = ? AND source = 'self_report'", id(sr)); n != 1 {
			t.Errorf("self report lead: %s", sr.body)
		}
		expect("self report again", agency.do("POST", "/api/v1/selfcheck/report", in), 409, "invalid_transition")
	}
	expect("self report unknown", agency.do("POST", "/api/v1/selfcheck/report", map[string]any{"model_id": "nope", "subject_key": "x"}), 404, "not_found")
	expect("self report as prosecutor", prosecutor.do("POST", "/api/v1/selfcheck/report", map[string]any{"model_id": "nope", "subject_key": "x"}), 403, "forbidden")

	// Leads: new sources, assignment, unsure, merge, confirm into a case.
	newLead := func(title string) int64 {
		return id(expect("lead "+title, prosecutor.do("POST", "/api/v1/leads", map[string]any{"source": "petition", "title": title, "agency_id": gaql,
			"facts": "信访人反映某公司无证经营"}), 201, ""))
	}
	l1, l2, l3 := newLead("信访批转：某公司无证经营"), newLead("信访批转：某公司无证经营（重复）"), newLead("信访批转：待核实")
	a := expect("assign", depthead.do("POST", "/api/v1/leads/assign", map[string]any{"ids": []int64{l1, l3}, "assignee_id": e.userID("prosecutor")}), 200, "")
	if num(a.json()["updated"]) != 2 {
		t.Errorf("assign: %s", a.body)
	}
	expect("assign nothing", depthead.do("POST", "/api/v1/leads/assign", map[string]any{"ids": []int64{}}), 400, "validation_failed")
	expect("assign to agency", depthead.do("POST", "/api/v1/leads/assign", map[string]any{"ids": []int64{l1}, "assignee_id": e.userID("agency01")}), 400, "validation_failed")
	mine := expect("my leads", prosecutor.do("GET", "/api/v1/leads?assignee=me&source=petition&status=new", nil), 200, "")
	if its := items(t, mine); len(its) != 2 || its[0]["assignee_name"] == "" || its[0]["assignee_id"] == nil {
		t.Errorf("my leads: %s", mine.body)
	}
	expect("unassigned leads", prosecutor.do("GET", "/api/v1/leads?assignee=none", nil), 200, "")
	expect("leads bad assignee", prosecutor.do("GET", "/api/v1/leads?assignee=x", nil), 400, "validation_failed")
	expect("unsure without note", prosecutor.do("PATCH", p("/api/v1/leads/%d", l3), map[string]any{"status": "unsure"}), 400, "validation_failed")
	u := expect("unsure", prosecutor.do("PATCH", p("/api/v1/leads/%d", l3), map[string]any{"status": "unsure", "note": "待调取执法卷宗"}), 200, "")
	if u.json()["status"] != "unsure" {
		t.Errorf("unsure: %s", u.body)
	}
	expect("dismiss bad reason", prosecutor.do("PATCH", p("/api/v1/leads/%d", l3), map[string]any{"status": "dismissed", "reason": "bored"}), 400, "validation_failed")
	m := expect("merge", prosecutor.do("POST", p("/api/v1/leads/%d/merge", l2), map[string]any{"into": l1}), 200, "")
	if m.json()["status"] != "merged" || num(m.json()["merged_into"]) != float64(l1) {
		t.Errorf("merged: %s", m.body)
	}
	expect("merge again", prosecutor.do("POST", p("/api/v1/leads/%d/merge", l2), map[string]any{"into": l1}), 409, "invalid_transition")
	expect("triage merged", prosecutor.do("PATCH", p("/api/v1/leads/%d", l2), map[string]any{"status": "new"}), 409, "invalid_transition")
	expect("merge missing", prosecutor.do("POST", "/api/v1/leads/99999999/merge", map[string]any{"into": l1}), 404, "not_found")
	c := expect("confirm into new case", prosecutor.do("POST", p("/api/v1/leads/%d/confirm", l1), map[string]any{"new_case": map[string]any{
		"type": "admin_violation", "title": "某公司无证经营监督案", "summary": "某公司超范围经营食品未被查处"}}), 200, "")
	caseID := id(c)
	if cj := c.json(); cj["case_no"] != "青岚检行违监〔2026〕1号" || num(cj["agency_id"]) != float64(gaql) || fmt.Sprint(cj["lead_ids"]) != fmt.Sprintf("[%d]", l1) {
		t.Errorf("confirmed case: %s", c.body)
	}
	expect("confirm again", prosecutor.do("POST", p("/api/v1/leads/%d/confirm", l1), map[string]any{"case_id": caseID}), 409, "invalid_transition")
	expect("confirm neither", prosecutor.do("POST", p("/api/v1/leads/%d/confirm", l3), map[string]any{}), 400, "validation_failed")
	if l := expect("confirmed lead", prosecutor.do("GET", p("/api/v1/leads/%d", l1), nil), 200, "").json(); l["status"] != "confirmed" || l["case_no"] != "青岚检行违监〔2026〕1号" {
		t.Errorf("confirmed lead: %v", l)
	}

	// Cases.
	expect("list cases", chief.do("GET", "/api/v1/cases?type=admin_violation&status=accepted&prosecutor=me&q=无证&page=1&limit=10", nil), 200, "")
	lc := expect("list cases all", chief.do("GET", "/api/v1/cases?chief_led=false", nil), 200, "")
	if num(lc.json()["total"]) < 1 {
		t.Errorf("cases: %s", lc.body)
	}
	expect("list cases bad prosecutor", chief.do("GET", "/api/v1/cases?prosecutor=x", nil), 400, "validation_failed")
	expect("list cases as agency", agency.do("GET", "/api/v1/cases", nil), 403, "forbidden")
	c2 := expect("open case", prosecutor.do("POST", "/api/v1/cases", map[string]any{"type": "admin_violation", "title": "某局行政检查不规范监督案",
		"agency_id": gaql, "member_ids": []int64{e.userID("prosecutor2")}}), 201, "")
	case2 := id(c2)
	if mem, _ := c2.json()["members"].([]any); len(mem) != 2 {
		t.Errorf("members: %s", c2.body)
	}
	expect("open case bad type", prosecutor.do("POST", "/api/v1/cases", map[string]any{"type": "civil", "title": "x"}), 400, "validation_failed")
	expect("open case as leader", leader.do("POST", "/api/v1/cases", map[string]any{"type": "governance", "title": "x"}), 403, "forbidden")
	cd := expect("get case", depthead.do("GET", p("/api/v1/cases/%d", caseID), nil), 200, "")
	expect("get case as agency", agency.do("GET", p("/api/v1/cases/%d", caseID), nil), 403, "forbidden")
	expect("get case missing", chief.do("GET", "/api/v1/cases/99999999", nil), 404, "not_found")
	v := ver(cd)
	expect("edit case", prosecutor.do("PATCH", p("/api/v1/cases/%d", caseID), map[string]any{"version": v, "summary": "某公司超范围经营食品，执法机关未依法查处"}), 200, "")
	r = expect("edit case stale", depthead.do("PATCH", p("/api/v1/cases/%d", caseID), map[string]any{"version": v, "summary": "旧版本"}), 409, "conflict")
	if det, _ := errDetails(r).(map[string]any); det == nil || num(det["version"]) != float64(v+1) {
		t.Errorf("stale edit details: %s", r.body)
	}
	r = expect("close accepted case", prosecutor.do("POST", p("/api/v1/cases/%d/transitions", caseID), map[string]any{"action": "close", "version": v + 1, "result": "x"}), 409, "invalid_transition")
	if !strings.Contains(errMessage(r), "受理") {
		t.Errorf("transition message: %s", r.body)
	}
	tr := expect("review", prosecutor.do("POST", p("/api/v1/cases/%d/transitions", caseID), map[string]any{"action": "review", "version": v + 1}), 200, "")
	if tr.json()["status"] != "reviewing" {
		t.Errorf("review: %s", tr.body)
	}
	expect("terminate as prosecutor", prosecutor.do("POST", p("/api/v1/cases/%d/transitions", case2), map[string]any{"action": "terminate", "version": 1, "note": "x"}), 403, "forbidden")
	expect("unknown case action", prosecutor.do("POST", p("/api/v1/cases/%d/transitions", case2), map[string]any{"action": "fly", "version": 1}), 400, "validation_failed")
	ev := expect("events", prosecutor.do("GET", p("/api/v1/cases/%d/events", caseID), nil), 200, "")
	if its := items(t, ev); len(its) < 3 || its[0]["action"] != "open" || its[0]["action_name"] != "受理立案" {
		t.Errorf("events: %s", ev.body)
	}
	expect("events as justice", justice.do("GET", p("/api/v1/cases/%d/events", caseID), nil), 403, "forbidden")
	up := expect("attach to case", prosecutor.upload(p("/api/v1/cases/%d/attachments", caseID), nil, "调查笔录.pdf", []byte("%PDF-1.7 笔录")), 201, "")
	caseFile := id(up)
	if up.json()["sha256"] == "" || up.json()["kind"] != "upload" {
		t.Errorf("attachment: %s", up.body)
	}
	expect("attach with a path", rawUpload(prosecutor, p("/api/v1/cases/%d/attachments", caseID), "../../etc/passwd", []byte("x")), 400, "invalid_file")
	dl := expect("download", depthead.do("GET", p("/api/v1/attachments/%d", caseFile), nil), 200, "")
	if !bytes.Equal(dl.body, []byte("%PDF-1.7 笔录")) || !strings.Contains(dl.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %q %v", dl.body, dl.header)
	}
	expect("download case file as agency", agency.do("GET", p("/api/v1/attachments/%d", caseFile), nil), 404, "not_found")

	// The suggestion: draft, edit, approve, document, deliver.
	s := expect("draft", prosecutor.do("POST", p("/api/v1/cases/%d/suggestions", caseID), map[string]any{"kind": "violation", "recipient_org_id": gaql}), 201, "")
	sid := id(s)
	if sj := s.json(); sj["status"] != "draft" || !strings.Contains(sj["facts"].(string), "某公司无证经营") || sj["doc_no"] != nil {
		t.Errorf("draft: %s", s.body)
	}
	expect("draft bad kind", prosecutor.do("POST", p("/api/v1/cases/%d/suggestions", caseID), map[string]any{"kind": "x", "recipient_org_id": gaql}), 400, "validation_failed")
	expect("draft to a court", prosecutor.do("POST", p("/api/v1/cases/%d/suggestions", caseID), map[string]any{"kind": "violation", "recipient_org_id": e.orgID("QLFY")}), 400, "validation_failed")
	expect("draft invisible to recipient", agency.do("GET", p("/api/v1/suggestions/%d", sid), nil), 404, "not_found")
	expect("document of a draft", prosecutor.do("GET", p("/api/v1/suggestions/%d/document.docx", sid), nil), 404, "not_found")
	sv := ver(s)
	expect("edit draft", prosecutor.do("PATCH", p("/api/v1/suggestions/%d", sid), map[string]any{"version": sv, "title": "关于依法查处无证经营的检察建议", "reply_days": nil}), 200, "")
	expect("edit draft stale", depthead.do("PATCH", p("/api/v1/suggestions/%d", sid), map[string]any{"version": sv, "title": "旧"}), 409, "conflict")
	expect("submit", prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", sid), map[string]any{"action": "submit", "version": sv + 1}), 200, "")
	expect("approve as prosecutor", prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", sid), map[string]any{"action": "approve", "version": sv + 2}), 403, "forbidden")
	expect("edit submitted", prosecutor.do("PATCH", p("/api/v1/suggestions/%d", sid), map[string]any{"version": sv + 2, "title": "x"}), 409, "invalid_transition")
	ap := expect("approve", depthead.do("POST", p("/api/v1/suggestions/%d/transitions", sid), map[string]any{"action": "approve", "version": sv + 2}), 200, "")
	docNo, _ := ap.json()["doc_no"].(string)
	if docNo != "青岚检行建〔2026〕1号" || len(ap.json()["documents"].([]any)) != 1 {
		t.Errorf("approved: %s", ap.body)
	}
	doc := expect("document", prosecutor.do("GET", p("/api/v1/suggestions/%d/document.docx", sid), nil), 200, "")
	if ct := doc.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("document content type %q", ct)
	}
	if text, err := docx.Text(doc.body); err != nil || !strings.Contains(text, docNo) || !strings.Contains(text, "检察建议书") {
		t.Errorf("document text (%v): %s", err, text)
	}
	expect("deliver in the future", prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", sid), map[string]any{"action": "deliver", "version": sv + 3,
		"method": "written", "received_on": "2026-12-31"}), 400, "validation_failed")
	dv := expect("deliver", prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", sid), map[string]any{"action": "deliver", "version": sv + 3,
		"method": "written", "received_on": "2026-11-20"}), 200, "")
	if dv.json()["status"] != "awaiting_reply" || dv.json()["due_on"] == nil || dv.json()["deadline"] == nil {
		t.Errorf("delivered: %s", dv.body)
	}

	// The recipient sees it, is told, and answers.
	ls := expect("agency suggestions", agency.do("GET", "/api/v1/suggestions?status=awaiting_reply&due=", nil), 200, "")
	if its := items(t, ls); len(its) != 1 || int64(num(its[0]["id"])) != sid {
		t.Errorf("agency list: %s", ls.body)
	}
	if its := items(t, expect("other agency suggestions", agency2.do("GET", "/api/v1/suggestions", nil), 200, "")); len(its) != 0 {
		t.Errorf("agency02 sees %d suggestions", len(its))
	}
	expect("suggestions bad due", prosecutor.do("GET", "/api/v1/suggestions?due=soon", nil), 400, "validation_failed")
	expect("suggestions filtered", prosecutor.do("GET", p("/api/v1/suggestions?kind=violation&recipient=%d&case=%d&due=week&page=1&limit=5", gaql, caseID), nil), 200, "")
	ag := expect("agency reads", agency.do("GET", p("/api/v1/suggestions/%d", sid), nil), 200, "")
	if acts := fmt.Sprint(ag.json()["actions"]); !strings.Contains(acts, "reply") {
		t.Errorf("agency actions: %s", acts)
	}
	expect("other agency reads", agency2.do("GET", p("/api/v1/suggestions/%d", sid), nil), 404, "not_found")
	expect("agency document", agency.do("GET", p("/api/v1/suggestions/%d/document.docx", sid), nil), 200, "")
	nl := expect("agency notifications", agency.do("GET", "/api/v1/notifications?unread=true", nil), 200, "")
	var note int64
	for _, it := range items(t, nl) {
		if strings.Contains(it["title"].(string), docNo) {
			note = int64(num(it["id"]))
		}
	}
	if note == 0 {
		t.Errorf("agency not told: %s", nl.body)
	}
	expect("notifications bad limit", agency.do("GET", "/api/v1/notifications?limit=0", nil), 400, "validation_failed")
	uc := expect("unread count", agency.do("GET", "/api/v1/notifications/unread-count", nil), 200, "")
	unread := num(uc.json()["count"])
	expect("unread count anon", anon.do("GET", "/api/v1/notifications/unread-count", nil), 401, "unauthenticated")
	mr := expect("mark read", agency.do("POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{note}}), 200, "")
	if num(mr.json()["updated"]) != 1 || num(agency.do("GET", "/api/v1/notifications/unread-count", nil).json()["count"]) != unread-1 {
		t.Errorf("mark read: %s", mr.body)
	}
	expect("mark read malformed", agency.do("POST", "/api/v1/notifications/read", []byte(`{"ids":`)), 400, "malformed_json")
	au := expect("agency attaches", agency.upload(p("/api/v1/suggestions/%d/attachments", sid), nil, "整改方案.docx", []byte("PK方案")), 201, "")
	expect("agency downloads own", agency.do("GET", p("/api/v1/attachments/%d", id(au)), nil), 200, "")
	expect("other agency downloads", agency2.do("GET", p("/api/v1/attachments/%d", id(au)), nil), 404, "not_found")
	expect("attach empty file", rawUpload(agency, p("/api/v1/suggestions/%d/attachments", sid), "空.pdf", nil), 400, "invalid_file")
	expect("other agency replies", agency2.do("POST", p("/api/v1/suggestions/%d/reply", sid), map[string]any{"outcome": "adopted", "measures": "x"}), 404, "not_found")
	expect("rectify before reply", agency.do("POST", p("/api/v1/suggestions/%d/rectifications", sid), map[string]any{"progress": "x"}), 409, "invalid_transition")
	rp := expect("reply", agency.do("POST", p("/api/v1/suggestions/%d/reply", sid), map[string]any{"outcome": "adopted", "measures": "已立案查处并开展专项检查"}), 200, "")
	if rp.json()["status"] != "rectifying" || len(rp.json()["replies"].([]any)) != 1 {
		t.Errorf("replied: %s", rp.body)
	}
	expect("reply twice", agency.do("POST", p("/api/v1/suggestions/%d/reply", sid), map[string]any{"outcome": "adopted", "measures": "再次"}), 409, "invalid_transition")
	expect("rectification", agency.do("POST", p("/api/v1/suggestions/%d/rectifications", sid), map[string]any{"progress": "已罚款并责令改正", "done": true}), 200, "")
	pn := expect("prosecutor notifications", prosecutor.do("GET", "/api/v1/notifications", nil), 200, "")
	if !strings.Contains(string(pn.body), "收到书面回复") {
		t.Errorf("prosecutor not told of the reply: %s", pn.body)
	}
	expect("mark all read", prosecutor.do("POST", "/api/v1/notifications/read", map[string]any{"all": true}), 200, "")
	cur := ver(expect("reload", prosecutor.do("GET", p("/api/v1/suggestions/%d", sid), nil), 200, ""))
	vf := expect("verify", prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", sid), map[string]any{"action": "verify", "version": cur,
		"accepted": true, "note": "实地核查整改到位"}), 200, "")
	if vf.json()["status"] != "closed" || vf.json()["outcome"] != "adopted" {
		t.Errorf("verified: %s", vf.body)
	}
	r = expect("reply after close", agency.do("POST", p("/api/v1/suggestions/%d/reply", sid), map[string]any{"outcome": "adopted", "measures": "x"}), 409, "invalid_transition")
	if !strings.Contains(errMessage(r), "已办结") {
		t.Errorf("reply after close message: %s", r.body)
	}
	cv := ver(expect("case", prosecutor.do("GET", p("/api/v1/cases/%d", caseID), nil), 200, ""))
	expect("decide", prosecutor.do("POST", p("/api/v1/cases/%d/transitions", caseID), map[string]any{"action": "decide", "version": cv}), 200, "")
	cl := expect("close case", prosecutor.do("POST", p("/api/v1/cases/%d/transitions", caseID), map[string]any{"action": "close", "version": cv + 1,
		"result": "制发检察建议，已整改"}), 200, "")
	if cl.json()["status"] != "closed" || cl.json()["closed_on"] != "2026-11-20" {
		t.Errorf("closed case: %s", cl.body)
	}
	expect("draft on a closed case", prosecutor.do("POST", p("/api/v1/cases/%d/suggestions", caseID), map[string]any{"kind": "violation", "recipient_org_id": gaql}), 409, "invalid_transition")

	// Stats.
	sts := expect("stats", leader.do("GET", "/api/v1/casework/stats?from=2026-01&to=2026-12&by=agency", nil), 200, "")
	if tot, _ := sts.json()["totals"].(map[string]any); tot == nil || num(tot["issued"]) != 1 || num(tot["replied_on_time"]) != 1 || num(tot["adopted"]) != 1 || num(tot["rectified"]) != 1 {
		t.Errorf("stats: %s", sts.body)
	}
	expect("stats by month", chief.do("GET", "/api/v1/casework/stats?by=month", nil), 200, "")
	expect("stats bad by", chief.do("GET", "/api/v1/casework/stats?by=week", nil), 400, "validation_failed")
	expect("stats as agency", agency.do("GET", "/api/v1/casework/stats", nil), 403, "forbidden")

	// A second suggestion: objection, upheld, not adopted, escalated.
	s2 := id(expect("draft 2", prosecutor.do("POST", p("/api/v1/cases/%d/suggestions", case2), map[string]any{"kind": "violation", "recipient_org_id": gaql}), 201, ""))
	step := func(c *client, what string, in map[string]any) response {
		t.Helper()
		in["version"] = ver(prosecutor.do("GET", p("/api/v1/suggestions/%d", s2), nil))
		return expect(what, c.do("POST", p("/api/v1/suggestions/%d/transitions", s2), in), 200, "")
	}
	step(prosecutor, "consult", map[string]any{"action": "consult", "note": "征求被建议单位意见"})
	step(prosecutor, "submit 2", map[string]any{"action": "submit"})
	step(chief, "approve 2", map[string]any{"action": "approve"})
	step(prosecutor, "deliver 2", map[string]any{"action": "deliver", "method": "announced", "received_on": "2026-11-20"})
	expect("escalate too early", prosecutor.do("POST", p("/api/v1/suggestions/%d/escalations", s2), map[string]any{"reason": "x"}), 409, "invalid_transition")
	expect("object", agency.do("POST", p("/api/v1/suggestions/%d/objection", s2), map[string]any{"reasons": "认定事实有误"}), 200, "")
	expect("object twice", agency.do("POST", p("/api/v1/suggestions/%d/objection", s2), map[string]any{"reasons": "再次"}), 409, "invalid_transition")
	step(chief, "uphold", map[string]any{"action": "decide_objection", "decision": "upheld", "note": "异议理由不成立"})
	expect("not adopted", agency.do("POST", p("/api/v1/suggestions/%d/reply", s2), map[string]any{"outcome": "not_adopted", "reasons": "无法落实"}), 200, "")
	e1 := expect("escalate", prosecutor.do("POST", p("/api/v1/suggestions/%d/escalations", s2), map[string]any{"reason": "不采纳理由不成立"}), 201, "")
	escs, _ := e1.json()["escalations"].([]any)
	if len(escs) != 1 || escs[0].(map[string]any)["level"] != "justice_bureau" || escs[0].(map[string]any)["status"] != "issued" {
		t.Fatalf("escalated: %s", e1.body)
	}
	copied := int64(num(escs[0].(map[string]any)["id"]))
	e2 := expect("escalate higher", prosecutor.do("POST", p("/api/v1/suggestions/%d/escalations", s2), map[string]any{"reason": "仍未落实"}), 201, "")
	escs, _ = e2.json()["escalations"].([]any)
	pending := int64(num(escs[len(escs)-1].(map[string]any)["id"]))
	if escs[len(escs)-1].(map[string]any)["status"] != "pending_approval" {
		t.Errorf("second step: %s", e2.body)
	}
	expect("escalate while pending", prosecutor.do("POST", p("/api/v1/suggestions/%d/escalations", s2), map[string]any{"reason": "x"}), 409, "invalid_transition")
	je := expect("justice escalations", justice.do("GET", "/api/v1/escalations?status=issued&level=justice_bureau&page=1&limit=10", nil), 200, "")
	if its := items(t, je); len(its) != 1 || int64(num(its[0]["id"])) != copied {
		t.Errorf("justice list: %s", je.body)
	}
	expect("escalations as agency", agency.do("GET", "/api/v1/escalations", nil), 403, "forbidden")
	expect("escalation", justice.do("GET", p("/api/v1/escalations/%d", copied), nil), 200, "")
	expect("pending escalation as justice", justice.do("GET", p("/api/v1/escalations/%d", pending), nil), 404, "not_found")
	expect("approve as prosecutor", prosecutor.do("POST", p("/api/v1/escalations/%d/approve", pending), nil), 403, "forbidden")
	ae := expect("approve escalation", chief.do("POST", p("/api/v1/escalations/%d/approve", pending), nil), 200, "")
	if ae.json()["status"] != "issued" || ae.json()["document_id"] == nil {
		t.Errorf("approved escalation: %s", ae.body)
	}
	expect("approve again", chief.do("POST", p("/api/v1/escalations/%d/approve", pending), nil), 409, "invalid_transition")
	h := expect("handling", justice.do("POST", p("/api/v1/escalations/%d/handling", copied), map[string]any{"handling": "已约谈该局负责人", "result": "已督促整改"}), 200, "")
	if h.json()["status"] != "handled" {
		t.Errorf("handled: %s", h.body)
	}
	expect("handling twice", justice.do("POST", p("/api/v1/escalations/%d/handling", copied), map[string]any{"handling": "x", "result": "y"}), 409, "invalid_transition")
	expect("handling as prosecutor", prosecutor.do("POST", p("/api/v1/escalations/%d/handling", copied), map[string]any{"handling": "x", "result": "y"}), 403, "forbidden")
	expect("justice reads the suggestion", justice.do("GET", p("/api/v1/suggestions/%d", s2), nil), 200, "")

	// An opinion ignored after its follow-up letter becomes a suggestion.
	s3 := id(expect("opinion", prosecutor.do("POST", p("/api/v1/cases/%d/suggestions", case2), map[string]any{"kind": "opinion", "recipient_org_id": gaql}), 201, ""))
	s2 = s3
	step(prosecutor, "submit opinion", map[string]any{"action": "submit"})
	step(chief, "approve opinion", map[string]any{"action": "approve"})
	step(prosecutor, "deliver opinion", map[string]any{"action": "deliver", "method": "written", "received_on": "2026-11-20"})
	expect("opinion not adopted", agency.do("POST", p("/api/v1/suggestions/%d/reply", s3), map[string]any{"outcome": "not_adopted", "reasons": "不予处理"}), 200, "")
	expect("convert too early", prosecutor.do("POST", p("/api/v1/suggestions/%d/convert", s3), nil), 409, "invalid_transition")
	expect("follow-up letter", prosecutor.do("POST", p("/api/v1/suggestions/%d/escalations", s3), map[string]any{"reason": "检察意见未被采纳"}), 201, "")
	cvt := expect("convert", prosecutor.do("POST", p("/api/v1/suggestions/%d/convert", s3), nil), 201, "")
	if cvt.json()["kind"] != "violation" || num(cvt.json()["parent_id"]) != float64(s3) || cvt.json()["status"] != "draft" {
		t.Errorf("converted: %s", cvt.body)
	}
}

// rawUpload posts a multipart body built by hand, so that the file name
// reaches the server exactly as given (mime/multipart would keep it too,
// but a hand-built part leaves no doubt).
func rawUpload(c *client, path, filename string, data []byte) response {
	c.e.t.Helper()
	const boundary = "xjboundary7MA4YWxkTrZu0gW"
	var b bytes.Buffer
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n", boundary, filename)
	b.Write(data)
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	req, err := http.NewRequest("POST", c.e.srv.URL+path, &b)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.send(req)
}

// TestCaseworkBadInput is the list of bad input: each is refused
// with its stable code and leaves nothing changed.
func TestCaseworkBadInput(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		f := newCWFix(t, e)
		prosecutor, prosecutor2, depthead := e.login("prosecutor"), e.login("prosecutor2"), e.login("depthead")
		agency, agency2 := e.login("agency01"), e.login("agency02")
		p := func(format string, a ...any) string { return fmt.Sprintf(format, a...) }
		state := func(id int64) string {
			var s string
			var v int
			if err := e.db.QueryRowContext(f.ctx, `SELECT status, version FROM suggestions WHERE id = ?`, id).Scan(&s, &v); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%s/%d/%d events", s, v, e.countRows("case_events", "suggestion_id = ?", id))
		}

		t.Run("TransitionNotAllowedFromState", func(t *testing.T) {
			id := f.draft(casework.KindViolation)
			before := state(id)
			r := prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", id), map[string]any{"action": "deliver", "version": e.version("suggestions", id),
				"method": "written", "received_on": "2026-11-20"})
			if r.status != 409 || r.errCode() != "invalid_transition" || !strings.Contains(errMessage(r), "草稿") || !strings.Contains(errMessage(r), "送达") {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if after := state(id); after != before {
				t.Errorf("changed: %s → %s", before, after)
			}
		})
		t.Run("TransitionNotAllowedForRole", func(t *testing.T) {
			id := f.draft(casework.KindViolation)
			f.act("prosecutor", id, casework.TransitionInput{Action: "submit"})
			before := state(id)
			r := prosecutor.do("POST", p("/api/v1/suggestions/%d/transitions", id), map[string]any{"action": "approve", "version": e.version("suggestions", id)})
			if r.status != 403 || r.errCode() != "forbidden" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if after := state(id); after != before || e.countRows("suggestions", "id = ? AND doc_no IS NOT NULL", id) != 0 {
				t.Errorf("changed: %s → %s", before, after)
			}
		})
		t.Run("ReplyAfterClose", func(t *testing.T) {
			id := f.replied(casework.KindViolation, casework.OutcomeNotAdopted)
			f.act("prosecutor", id, casework.TransitionInput{Action: "close", Note: "不采纳理由成立"})
			before := state(id)
			r := agency.do("POST", p("/api/v1/suggestions/%d/reply", id), map[string]any{"outcome": "adopted", "measures": "补充整改"})
			if r.status != 409 || r.errCode() != "invalid_transition" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if after := state(id); after != before || e.countRows("suggestion_replies", "suggestion_id = ?", id) != 1 {
				t.Errorf("changed: %s → %s", before, after)
			}
		})
		t.Run("OtherAgencyReplies", func(t *testing.T) {
			id := f.delivered(casework.KindViolation)
			before := state(id)
			r := agency2.do("POST", p("/api/v1/suggestions/%d/reply", id), map[string]any{"outcome": "adopted", "measures": "越权回复"})
			if r.status != 404 || r.errCode() != "not_found" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			missing := agency2.do("POST", "/api/v1/suggestions/99999999/reply", map[string]any{"outcome": "adopted", "measures": "x"})
			if errMessage(missing) != errMessage(r) {
				t.Errorf("existence leaks: %q vs %q", errMessage(r), errMessage(missing))
			}
			if after := state(id); after != before || e.countRows("suggestion_replies", "suggestion_id = ?", id) != 0 {
				t.Errorf("changed: %s → %s", before, after)
			}
		})
		t.Run("TwoEditorsSameVersion", func(t *testing.T) {
			// Two prosecutors on the same case team.
			pros := f.who("prosecutor")
			cid, err := f.svc.CreateCase(f.ctx, pros, casework.CaseInput{Type: casework.TypeViolation, Title: "两人办理的案件", MemberIDs: []int64{e.userID("prosecutor2")}})
			f.must(err)
			id, err := f.svc.CreateDraft(f.ctx, pros, cid, casework.DraftInput{Kind: casework.KindViolation, RecipientOrgID: e.orgID("GAQL")})
			f.must(err)
			v := e.version("suggestions", id)
			if r := prosecutor.do("PATCH", p("/api/v1/suggestions/%d", id), map[string]any{"version": v, "requests": "第一人的修改"}); r.status != 200 {
				t.Fatalf("first: %d %s", r.status, r.body)
			}
			r := prosecutor2.do("PATCH", p("/api/v1/suggestions/%d", id), map[string]any{"version": v, "requests": "第二人的修改"})
			if r.status != 409 || r.errCode() != "conflict" {
				t.Fatalf("second: %d %s", r.status, r.body)
			}
			if d, _ := errDetails(r).(map[string]any); d == nil || num(d["version"]) != float64(v+1) {
				t.Errorf("details: %s", r.body)
			}
			if got := prosecutor.do("GET", p("/api/v1/suggestions/%d", id), nil).json()["requests"]; got != "第一人的修改" {
				t.Errorf("requests = %v", got)
			}
		})
		caseID := f.newCase("附件案件")
		files := func() string {
			return fmt.Sprintf("%d/%d", e.countRows("attachments", ""), e.countRows("file_blobs", ""))
		}
		t.Run("AttachmentTooLarge", func(t *testing.T) {
			before := files()
			r := prosecutor.upload(p("/api/v1/cases/%d/attachments", caseID), nil, "大文件.pdf", bytes.Repeat([]byte("x"), 50<<20))
			if r.status != 413 || r.errCode() != "body_too_large" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if after := files(); after != before {
				t.Errorf("stored: %s → %s", before, after)
			}
		})
		for _, name := range []string{"../../etc/passwd", "a/b.pdf", `C:\x\y.doc`} {
			t.Run("PathInName_"+strings.NewReplacer("/", "_", `\`, "_").Replace(name), func(t *testing.T) {
				before := files()
				r := rawUpload(depthead, p("/api/v1/cases/%d/attachments", caseID), name, []byte("%PDF-1.7"))
				if r.status != 400 || r.errCode() != "invalid_file" || !strings.Contains(errMessage(r), "路径") {
					t.Fatalf("%d %s", r.status, r.body)
				}
				if after := files(); after != before {
					t.Errorf("stored: %s → %s", before, after)
				}
			})
		}
		t.Run("EmptyFile", func(t *testing.T) {
			before := files()
			r := rawUpload(prosecutor, p("/api/v1/cases/%d/attachments", caseID), "空.pdf", nil)
			if r.status != 400 || r.errCode() != "invalid_file" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if after := files(); after != before {
				t.Errorf("stored: %s → %s", before, after)
			}
		})
	})
}
