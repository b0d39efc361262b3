package casework_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/docx"
	"github.com/xingjian/xingjian/internal/docx/docxtest"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/supervise"
)

// clock is a movable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	t   *testing.T
	db  *store.DB
	svc *casework.Service
	clk *clock
	ctx context.Context
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatalf("seed: %v", err)
	}
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	svc := casework.New(db)
	svc.Now = clk.now
	return &fixture{t: t, db: db, svc: svc, clk: clk, ctx: ctx}
}

// who is the principal of a demo login.
func (f *fixture) who(username string) *auth.Principal {
	f.t.Helper()
	p := &auth.Principal{Username: username}
	var role string
	if err := f.db.QueryRowContext(f.ctx, `SELECT u.id, u.display_name, u.org_id, u.role, o.kind FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?`, username).
		Scan(&p.UserID, &p.DisplayName, &p.OrgID, &role, &p.OrgKind); err != nil {
		f.t.Fatalf("user %s: %v", username, err)
	}
	p.Role, _ = auth.LookupRole(role)
	return p
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) sug(p *auth.Principal, id int64) casework.SuggestionDetail {
	f.t.Helper()
	d, err := f.svc.GetSuggestion(f.ctx, p, id)
	f.must(err)
	return d
}

func (f *fixture) act(p *auth.Principal, id int64, in casework.TransitionInput) {
	f.t.Helper()
	in.Version = f.sug(p, id).Version
	f.must(f.svc.Transition(f.ctx, p, id, in))
}

func has(actions []casework.Action, a string) bool {
	for _, x := range actions {
		if x.Action == a {
			return true
		}
	}
	return false
}

func wantTransitionErr(t *testing.T, err error) {
	t.Helper()
	var te *casework.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("want a transition error, got %v", err)
	}
}

// The whole loop: a model lead becomes a case, the suggestion is drafted
// from it, approved (number and DOCX), delivered (deadline), appears for its
// recipient only, is answered, rectified, verified and closed; the case
// closes.
func TestSuggestionLoop(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		pros, head, chief, agency, other := f.who("prosecutor"), f.who("depthead"), f.who("chief"), f.who("agency01"), f.who("agency02")
		lead, err := supervise.CreateManual(f.ctx, db, pros.Actor(), supervise.ManualLead{Title: "某公司超范围经营未处罚", AgencyID: &agency.OrgID,
			Facts: "市场主体登记经营范围不含食品销售", LegalBasis: "《中华人民共和国食品安全法》第三十五条"}, f.clk.now())
		f.must(err)

		caseID, err := f.svc.ConfirmLead(f.ctx, pros, lead, casework.ConfirmInput{NewCase: &casework.CaseInput{Type: casework.TypeViolation, Title: "某公司无证经营监督案"}})
		f.must(err)
		c, err := f.svc.GetCase(f.ctx, pros, caseID)
		f.must(err)
		if c.CaseNo != "青岚检行违监〔2026〕1号" || c.Status != casework.CaseAccepted || len(c.LeadIDs) != 1 || c.AgencyID == nil || *c.AgencyID != agency.OrgID {
			t.Fatalf("case: %+v", c)
		}
		// The lead is in the case; precision counts it as confirmed.
		l, err := supervise.GetLead(f.ctx, db, lead)
		f.must(err)
		if l.Status != "confirmed" || l.CaseID == nil || *l.CaseID != caseID {
			t.Fatalf("lead after confirm: %+v", l)
		}
		if _, err := f.svc.ConfirmLead(f.ctx, pros, lead, casework.ConfirmInput{CaseID: caseID}); err == nil {
			t.Fatal("a lead joins one case only")
		}
		f.must(f.svc.CaseTransition(f.ctx, pros, caseID, "review", c.Version, "", ""))

		sid, err := f.svc.CreateDraft(f.ctx, pros, caseID, casework.DraftInput{Kind: casework.KindViolation, RecipientOrgID: agency.OrgID})
		f.must(err)
		d := f.sug(pros, sid)
		if !strings.Contains(d.Facts, "某公司超范围经营未处罚") || !strings.Contains(d.LegalBasis, "第三十五条") || !strings.Contains(d.LegalBasis, "人民检察院组织法") {
			t.Fatalf("prefill: facts %q basis %q", d.Facts, d.LegalBasis)
		}
		// The agency sees nothing of a draft.
		if _, err := f.svc.GetSuggestion(f.ctx, agency, sid); !errors.Is(err, casework.ErrNotFound) {
			t.Fatalf("draft visible to its recipient: %v", err)
		}
		// Two editors: the second, with the old version, gets a conflict and
		// the first one's text stays.
		v := d.Version
		t1, t2 := "第一人的修改", "第二人的修改"
		f.must(f.svc.UpdateDraft(f.ctx, pros, sid, casework.SuggestionPatch{Version: v, Requests: &t1}))
		var ce *casework.ConflictError
		if err := f.svc.UpdateDraft(f.ctx, head, sid, casework.SuggestionPatch{Version: v, Requests: &t2}); !errors.As(err, &ce) || ce.Version != v+1 {
			t.Fatalf("second editor: %v", err)
		}
		if got := f.sug(pros, sid).Requests; got != t1 {
			t.Fatalf("requests after conflict = %q", got)
		}
		// The prosecutor cannot approve; the department head can.
		f.act(pros, sid, casework.TransitionInput{Action: "submit"})
		if err := f.svc.Transition(f.ctx, pros, sid, casework.TransitionInput{Action: "approve", Version: f.sug(pros, sid).Version}); !errors.Is(err, casework.ErrForbidden) {
			t.Fatalf("prosecutor approves: %v", err)
		}
		f.act(head, sid, casework.TransitionInput{Action: "approve"})
		d = f.sug(pros, sid)
		if d.DocNo == nil || *d.DocNo != "青岚检行建〔2026〕1号" || len(d.Documents) != 1 {
			t.Fatalf("approved: doc %v documents %d", d.DocNo, len(d.Documents))
		}
		file, err := f.svc.OpenAttachment(f.ctx, pros, d.Documents[0].ID)
		f.must(err)
		text, err := docx.Text(file.Content)
		f.must(err)
		for _, w := range []string{"检察建议书", "青岚检行建〔2026〕1号", agencyName(f, agency.OrgID), "某公司超范围经营未处罚", "两个月内"} {
			if !strings.Contains(text, w) {
				t.Errorf("document lacks %q:\n%s", w, text)
			}
		}
		// Opened by LibreOffice as a user would open it (once: it is the
		// same document on both databases).
		if db.Dialect() == store.SQLite {
			t.Run("libreoffice", func(t *testing.T) {
				lo := docxtest.LibreOfficeText(t, file.Content)
				for _, w := range []string{"江州市青岚区人民检察院", "青岚检行建〔2026〕1号", "2026年3月2日"} {
					if !strings.Contains(lo, w) {
						t.Errorf("LibreOffice text lacks %q:\n%s", w, lo)
					}
				}
			})
		}
		// Delivered on 2026-03-02, received the same day: due two months
		// later, 2026-05-02 is a Saturday in the Labour Day holiday; the
		// period rolls forward to the first working day, 2026-05-06.
		f.act(pros, sid, casework.TransitionInput{Action: "deliver", Method: "written", ReceivedOn: "2026-03-02"})
		d = f.sug(agency, sid)
		if d.DueOn == nil || *d.DueOn != "2026-05-06" || d.Status != casework.StatusAwaitingReply || !has(d.Actions, "reply") {
			t.Fatalf("delivered (agency view): due %v status %s actions %v", d.DueOn, d.Status, d.Actions)
		}
		if _, err := f.svc.GetSuggestion(f.ctx, other, sid); !errors.Is(err, casework.ErrNotFound) {
			t.Fatalf("another agency sees it: %v", err)
		}
		if err := f.svc.Reply(f.ctx, other, sid, casework.ReplyInput{Outcome: "adopted", Measures: "x"}); !errors.Is(err, casework.ErrNotFound) {
			t.Fatalf("another agency replies: %v", err)
		}
		n, items, err := f.svc.Notifications(f.ctx, agency, true, 10, 0)
		f.must(err)
		if n != 1 || !strings.Contains(items[0].Title, "青岚检行建〔2026〕1号") {
			t.Fatalf("agency inbox: %d %+v", n, items)
		}
		f.clk.add(10 * 24 * time.Hour)
		f.must(f.svc.Reply(f.ctx, agency, sid, casework.ReplyInput{Outcome: "adopted", Measures: "已立案查处并开展专项检查"}))
		if err := f.svc.Reply(f.ctx, agency, sid, casework.ReplyInput{Outcome: "adopted", Measures: "再次回复"}); err == nil {
			t.Fatal("second reply accepted")
		}
		f.must(f.svc.ReportRectification(f.ctx, agency, sid, casework.RectificationInput{Progress: "已罚款并责令改正", Done: true}))
		// Closing the case with a suggestion still open is refused.
		c, _ = f.svc.GetCase(f.ctx, pros, caseID)
		f.must(f.svc.CaseTransition(f.ctx, pros, caseID, "decide", c.Version, "", ""))
		c, _ = f.svc.GetCase(f.ctx, pros, caseID)
		wantTransitionErr(t, f.svc.CaseTransition(f.ctx, pros, caseID, "close", c.Version, "", "制发检察建议，已整改"))
		f.act(pros, sid, casework.TransitionInput{Action: "verify", Accepted: ptr(true), Note: "实地核查整改到位"})
		d = f.sug(pros, sid)
		if d.Status != casework.StatusClosed || d.Outcome != "adopted" || !d.Replies[0].OnTime {
			t.Fatalf("closed: %+v", d.Suggestion)
		}
		wantTransitionErr(t, f.svc.Reply(f.ctx, agency, sid, casework.ReplyInput{Outcome: "adopted", Measures: "结案后回复"}))
		c, _ = f.svc.GetCase(f.ctx, pros, caseID)
		f.must(f.svc.CaseTransition(f.ctx, pros, caseID, "close", c.Version, "", "制发检察建议，已整改"))
		evs, err := f.svc.Events(f.ctx, pros, caseID)
		f.must(err)
		var acts []string
		for _, e := range evs {
			acts = append(acts, e.Action)
		}
		want := "open lead review suggestion.create suggestion.edit suggestion.submit suggestion.approve suggestion.deliver suggestion.reply suggestion.rectification decide suggestion.verify close"
		if strings.Join(acts, " ") != want {
			t.Fatalf("timeline:\n got %s\nwant %s", strings.Join(acts, " "), want)
		}
		st, err := f.svc.Stats(f.ctx, chief, "agency", "2026-01", "2026-12")
		f.must(err)
		if st.Totals.Issued != 1 || st.Totals.RepliedOnTime != 1 || st.Totals.Adopted != 1 || st.Totals.Rectified != 1 || st.Totals.Escalated != 0 {
			t.Fatalf("stats: %+v", st.Totals)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func agencyName(f *fixture, id int64) string {
	var n string
	f.must(f.db.QueryRowContext(f.ctx, `SELECT name FROM orgs WHERE id = ?`, id).Scan(&n))
	return n
}

// An ignored suggestion: reminders before and on the due day and when
// overdue (each once), then the ladder: the justice-bureau copy at once, the
// next step waits for the chief; the justice officer records the handling.
func TestOverdueLadder(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		pros, chief, agency, justice := f.who("prosecutor"), f.who("chief"), f.who("agency01"), f.who("justice")
		caseID, err := f.svc.CreateCase(f.ctx, pros, casework.CaseInput{Type: casework.TypeViolation, Title: "逾期测试案", AgencyID: &agency.OrgID})
		f.must(err)
		sid, err := f.svc.CreateDraft(f.ctx, pros, caseID, casework.DraftInput{Kind: casework.KindViolation, RecipientOrgID: agency.OrgID})
		f.must(err)
		f.act(pros, sid, casework.TransitionInput{Action: "submit"})
		f.act(chief, sid, casework.TransitionInput{Action: "approve"})
		f.act(pros, sid, casework.TransitionInput{Action: "deliver", Method: "announced", ReceivedOn: "2026-03-02"})
		if has(f.sug(pros, sid).Actions, "escalate") {
			t.Fatal("escalation offered before the deadline")
		}
		wantTransitionErr(t, func() error { _, err := f.svc.Escalate(f.ctx, pros, sid, "未回复"); return err }())

		sweep := func(at string) int {
			t.Helper()
			d, _ := time.ParseInLocation("2006-01-02 15:04", at, time.FixedZone("CST", 8*3600))
			f.clk.t = d
			n, err := f.svc.Sweep(f.ctx)
			f.must(err)
			return n
		}
		// Due 2026-05-06: D-7 on 04-29, D-1 on 05-05, D0 on 05-06, overdue after.
		if n := sweep("2026-04-20 09:00"); n != 0 {
			t.Fatalf("too early: %d reminders", n)
		}
		if n := sweep("2026-04-29 09:00"); n != 2 {
			t.Fatalf("D-7: %d reminders", n)
		}
		if n := sweep("2026-04-29 10:00"); n != 0 {
			t.Fatalf("D-7 again: %d reminders (must be once)", n)
		}
		if n := sweep("2026-05-05 09:00"); n != 2 {
			t.Fatalf("D-1: %d", n)
		}
		if n := sweep("2026-05-06 09:00"); n != 2 {
			t.Fatalf("D0: %d", n)
		}
		if n := sweep("2026-05-07 09:00"); n != 2 {
			t.Fatalf("overdue: %d", n)
		}
		_, list, err := f.svc.ListSuggestions(f.ctx, pros, casework.SuggestionFilter{Due: "overdue"})
		f.must(err)
		if len(list) != 1 || !list[0].Overdue || *list[0].DaysLeft != -1 {
			t.Fatalf("overdue list: %+v", list)
		}
		// Not replied and not escalated: it cannot simply be closed.
		wantTransitionErr(t, f.svc.Transition(f.ctx, pros, sid, casework.TransitionInput{Action: "close", Version: f.sug(pros, sid).Version, Note: "结束"}))
		// Step 1: the justice-bureau copy, issued at once with its document.
		_, err = f.svc.Escalate(f.ctx, pros, sid, "逾期未回复，经电话督促仍未回复")
		f.must(err)
		d := f.sug(pros, sid)
		if d.EscalationLevel != 1 || len(d.Escalations) != 1 || d.Escalations[0].Status != "issued" || d.Escalations[0].DocumentID == nil {
			t.Fatalf("after step 1: %+v", d.Escalations)
		}
		// The justice officer sees it and records the handling.
		_, escs, err := f.svc.ListEscalations(f.ctx, justice, casework.EscalationFilter{})
		f.must(err)
		if len(escs) != 1 {
			t.Fatalf("justice sees %d escalations", len(escs))
		}
		doc, err := f.svc.OpenAttachment(f.ctx, justice, *escs[0].DocumentID)
		f.must(err)
		text, err := docx.Text(doc.Content)
		f.must(err)
		if !strings.Contains(text, "抄送") || !strings.Contains(text, "逾期") {
			t.Fatalf("copy letter:\n%s", text)
		}
		f.must(f.svc.RecordHandling(f.ctx, justice, escs[0].ID, casework.HandlingInput{Handling: "约谈该局负责人", Result: "该局承诺十日内回复"}))
		// Step 2 needs the chief: pending until approved.
		_, err = f.svc.Escalate(f.ctx, pros, sid, "司法局督促后仍未回复")
		f.must(err)
		d = f.sug(pros, sid)
		if d.EscalationLevel != 1 || d.Escalations[1].Status != "pending_approval" || has(d.Actions, "escalate") {
			t.Fatalf("step 2 pending: %+v", d.Escalations)
		}
		if err := f.svc.ApproveEscalation(f.ctx, pros, d.Escalations[1].ID); !errors.Is(err, casework.ErrForbidden) {
			t.Fatalf("prosecutor approves escalation: %v", err)
		}
		f.must(f.svc.ApproveEscalation(f.ctx, chief, d.Escalations[1].ID))
		d = f.sug(pros, sid)
		if d.EscalationLevel != 2 || d.Escalations[1].DocNo == nil || !strings.Contains(*d.Escalations[1].DocNo, "检行报〔2026〕1号") {
			t.Fatalf("step 2 issued: %+v", d.Escalations[1])
		}
		_, list, err = f.svc.ListSuggestions(f.ctx, pros, casework.SuggestionFilter{Due: "escalated"})
		f.must(err)
		if len(list) != 1 {
			t.Fatalf("escalated list: %d", len(list))
		}
		// The justice officer sees only the justice-bureau step.
		_, escs, err = f.svc.ListEscalations(f.ctx, justice, casework.EscalationFilter{})
		f.must(err)
		if len(escs) != 1 {
			t.Fatalf("justice sees %d escalations after step 2", len(escs))
		}
		st, err := f.svc.Stats(f.ctx, chief, "kind", "2026-01", "2026-12")
		f.must(err)
		if st.Totals.Escalated != 1 || st.Totals.Overdue != 1 || st.Totals.Replied != 0 {
			t.Fatalf("stats: %+v", st.Totals)
		}
		// After the ladder the follow-up may end without a reply; the case
		// can then close.
		if !has(f.sug(pros, sid).Actions, "close") {
			t.Fatal("close not offered after escalation")
		}
		f.act(pros, sid, casework.TransitionInput{Action: "close", Note: "已报告上级院，移送公益诉讼部门跟进"})
		for _, a := range []string{"review", "decide"} {
			c, err := f.svc.GetCase(f.ctx, pros, caseID)
			f.must(err)
			f.must(f.svc.CaseTransition(f.ctx, pros, caseID, a, c.Version, "", ""))
		}
		c, _ := f.svc.GetCase(f.ctx, pros, caseID)
		f.must(f.svc.CaseTransition(f.ctx, pros, caseID, "close", c.Version, "", "逐级督促，已报告上级院"))
	})
}

// Reverse linkage: an opinion (检察意见) is tracked like a suggestion; when
// ignored, the follow-up letter, then a suggestion.
func TestOpinionFollowUp(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		pros, chief, agency := f.who("prosecutor"), f.who("chief"), f.who("agency01")
		caseID, err := f.svc.CreateCase(f.ctx, pros, casework.CaseInput{Type: casework.TypeViolation, Title: "不起诉案件反向衔接"})
		f.must(err)
		sid, err := f.svc.CreateDraft(f.ctx, pros, caseID, casework.DraftInput{Kind: casework.KindOpinion, RecipientOrgID: agency.OrgID})
		f.must(err)
		f.act(pros, sid, casework.TransitionInput{Action: "submit"})
		f.act(chief, sid, casework.TransitionInput{Action: "approve"})
		f.act(pros, sid, casework.TransitionInput{Action: "deliver", Method: "written", ReceivedOn: "2026-03-02"})
		f.clk.add(70 * 24 * time.Hour)
		_, err = f.svc.Escalate(f.ctx, pros, sid, "两个月未回复处理结果")
		f.must(err)
		d := f.sug(pros, sid)
		if d.Escalations[0].Level != casework.LevelFollowUpLetter || d.Escalations[0].Status != "issued" || !has(d.Actions, "convert") || has(d.Actions, "escalate") {
			t.Fatalf("follow-up letter: %+v actions %v", d.Escalations, d.Actions)
		}
		nid, err := f.svc.Convert(f.ctx, pros, sid)
		f.must(err)
		n := f.sug(pros, nid)
		if n.Kind != casework.KindViolation || n.ParentID == nil || *n.ParentID != sid || n.Status != casework.StatusDraft {
			t.Fatalf("converted: %+v", n.Suggestion)
		}
		if f.sug(pros, sid).Status != casework.StatusClosed {
			t.Fatal("the opinion stays open after conversion")
		}
	})
}

// Objection review (第二十三条): only the chief decides; upheld goes back to
// awaiting the reply, withdrawn ends it.
func TestObjection(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		pros, head, chief, agency := f.who("prosecutor"), f.who("depthead"), f.who("chief"), f.who("agency01")
		caseID, err := f.svc.CreateCase(f.ctx, pros, casework.CaseInput{Type: casework.TypeGovernance, Title: "治理类"})
		f.must(err)
		sid, err := f.svc.CreateDraft(f.ctx, pros, caseID, casework.DraftInput{Kind: casework.KindGovernance, RecipientOrgID: agency.OrgID, Urgent: true, ReplyDays: ptr(20)})
		f.must(err)
		f.act(pros, sid, casework.TransitionInput{Action: "submit"})
		f.act(head, sid, casework.TransitionInput{Action: "approve"})
		f.act(pros, sid, casework.TransitionInput{Action: "deliver", Method: "written", ReceivedOn: "2026-03-02"})
		if due := f.sug(pros, sid).DueOn; due == nil || *due != "2026-03-23" { // 03-22 is a Sunday
			t.Fatalf("urgent 20-day due: %v", due)
		}
		f.must(f.svc.Object(f.ctx, agency, sid, "该问题属于上级部门职责"))
		v := f.sug(pros, sid).Version
		if err := f.svc.Transition(f.ctx, head, sid, casework.TransitionInput{Action: "decide_objection", Version: v, Decision: "upheld", Note: "x"}); !errors.Is(err, casework.ErrForbidden) {
			t.Fatalf("dept head decides objection: %v", err)
		}
		f.act(chief, sid, casework.TransitionInput{Action: "decide_objection", Decision: "upheld", Note: "经审查属于该局法定职责"})
		d := f.sug(agency, sid)
		if d.Status != casework.StatusAwaitingReply || d.Objections[0].Decision != "upheld" {
			t.Fatalf("after upheld: %s %+v", d.Status, d.Objections)
		}
		// Not adopted needs reasons; then the prosecutor may escalate.
		var ve *casework.ValidationError
		if err := f.svc.Reply(f.ctx, agency, sid, casework.ReplyInput{Outcome: "not_adopted"}); !errors.As(err, &ve) {
			t.Fatalf("not adopted without reasons: %v", err)
		}
		f.must(f.svc.Reply(f.ctx, agency, sid, casework.ReplyInput{Outcome: "not_adopted", Reasons: "经费不足"}))
		if !has(f.sug(pros, sid).Actions, "escalate") {
			t.Fatal("not adopted: escalation not offered")
		}
	})
}

// Numbers never repeat across concurrent approvals.
func TestNumbersUnderConcurrency(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		pros := f.who("prosecutor")
		var wg sync.WaitGroup
		nos := make([]string, 8)
		errs := make([]error, 8)
		for i := range nos {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for try := 0; try < 20; try++ {
					id, err := f.svc.CreateCase(f.ctx, pros, casework.CaseInput{Type: casework.TypeLitigation, Title: "并发"})
					if err == nil {
						c, _ := f.svc.GetCase(f.ctx, pros, id)
						nos[i] = c.CaseNo
						return
					}
					errs[i] = err
					time.Sleep(time.Duration(10*(try+1)) * time.Millisecond)
				}
			}(i)
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, n := range nos {
			if n == "" {
				t.Fatalf("case %d not created: %v", i, errs[i])
			}
			if seen[n] {
				t.Fatalf("number %s taken twice", n)
			}
			seen[n] = true
		}
	})
}

func TestAttachmentNames(t *testing.T) {
	for _, bad := range []string{"../etc/passwd", `C:\x\y.doc`, "a/b.pdf", "", "报告\x00.pdf"} {
		if _, err := casework.CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"整改报告.pdf", "report v2.docx"} {
		if _, err := casework.CheckName(good); err != nil {
			t.Errorf("%q refused: %v", good, err)
		}
	}
}
