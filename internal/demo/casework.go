package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/store"
)

// CaseworkSummary counts what SeedCasework created.
type CaseworkSummary struct {
	Cases, Suggestions int
}

// SeedCasework gives the demo district a little history of casework as of
// now: a suggestion that went the whole way (delivered, adopted, rectified,
// verified, case closed), one awaiting its reply and due within days, one
// overdue and copied to the justice bureau, and a draft waiting for the
// department head — so every inbox and list has something real in it.
// Every step goes through the casework service on a clock set back in time,
// so the records, numbers, documents and timelines are what the platform
// itself would have produced.
func SeedCasework(ctx context.Context, db *store.DB, now time.Time) (CaseworkSummary, error) {
	var sum CaseworkSummary
	at := now
	svc := casework.New(db)
	svc.Now = func() time.Time { return at }
	who := func(username string) (*auth.Principal, error) {
		p := &auth.Principal{Username: username}
		var role string
		err := db.QueryRowContext(ctx, `SELECT u.id, u.display_name, u.org_id, u.role, o.kind FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?`, username).
			Scan(&p.UserID, &p.DisplayName, &p.OrgID, &role, &p.OrgKind)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", username, err)
		}
		p.Role, _ = auth.LookupRole(role)
		return p, nil
	}
	users := map[string]*auth.Principal{}
	for _, u := range []string{"prosecutor", "prosecutor2", "depthead", "agency01", "agency02", "agency03", "justice"} {
		p, err := who(u)
		if err != nil {
			return sum, err
		}
		users[u] = p
	}
	pros, pros2, head := users["prosecutor"], users["prosecutor2"], users["depthead"]
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	date := func(t time.Time) string { return t.In(calendar.Location()).Format("2006-01-02") }
	version := func(id int64) int {
		d, _ := svc.GetSuggestion(ctx, pros, id)
		return d.Version
	}
	step := func(p *auth.Principal, id int64, in casework.TransitionInput) error {
		in.Version = version(id)
		return svc.Transition(ctx, p, id, in)
	}
	// issue drafts, submits, approves and delivers a suggestion at the
	// given day offsets, returning its id.
	issue := func(caseID int64, p *auth.Principal, recipient *auth.Principal, kind string, issuedDay, receivedDay int) (int64, error) {
		at = day(issuedDay)
		id, err := svc.CreateDraft(ctx, p, caseID, casework.DraftInput{Kind: kind, RecipientOrgID: recipient.OrgID})
		if err != nil {
			return 0, err
		}
		sum.Suggestions++
		if err := step(p, id, casework.TransitionInput{Action: "submit"}); err != nil {
			return 0, err
		}
		if err := step(head, id, casework.TransitionInput{Action: "approve"}); err != nil {
			return 0, err
		}
		at = day(receivedDay)
		return id, step(p, id, casework.TransitionInput{Action: "deliver", Method: "written", ReceivedOn: date(day(receivedDay))})
	}
	open := func(p *auth.Principal, title, summary string, agency *auth.Principal, d int) (int64, error) {
		at = day(d)
		id, err := svc.CreateCase(ctx, p, casework.CaseInput{Type: casework.TypeViolation, Title: title, Summary: summary, AgencyID: &agency.OrgID})
		if err == nil {
			sum.Cases++
		}
		return id, err
	}
	caseVersion := func(id int64) int {
		c, _ := svc.GetCase(ctx, pros, id)
		return c.Version
	}

	// 1. The whole way, closed.
	c1, err := open(pros, "简易程序超限额罚款监督案", "该局 2026 年上半年有 12 件适用简易程序作出的罚款超过法定限额。", users["agency01"], -160)
	if err != nil {
		return sum, err
	}
	if err := svc.CaseTransition(ctx, pros, c1, "review", caseVersion(c1), "", ""); err != nil {
		return sum, err
	}
	s1, err := issue(c1, pros, users["agency01"], casework.KindViolation, -150, -148)
	if err != nil {
		return sum, err
	}
	at = day(-120)
	if err := svc.Reply(ctx, users["agency01"], s1, casework.ReplyInput{Outcome: "adopted", Measures: "已对 12 件案件逐一复查，撤销 3 件并重新立案；修订简易程序适用规定，组织全员培训。"}); err != nil {
		return sum, err
	}
	at = day(-100)
	if err := svc.ReportRectification(ctx, users["agency01"], s1, casework.RectificationInput{Progress: "整改完成：复查、重新立案和培训均已完成。", Done: true}); err != nil {
		return sum, err
	}
	at = day(-95)
	if err := step(pros, s1, casework.TransitionInput{Action: "verify", Accepted: ptrBool(true), Note: "调阅整改案卷，整改到位。"}); err != nil {
		return sum, err
	}
	if err := svc.CaseTransition(ctx, pros, c1, "decide", caseVersion(c1), "", ""); err != nil {
		return sum, err
	}
	if err := svc.CaseTransition(ctx, pros, c1, "close", caseVersion(c1), "", "制发检察建议，被建议单位采纳并整改到位。"); err != nil {
		return sum, err
	}

	// 2. Awaiting the reply, due within days.
	c2, err := open(pros2, "行政处罚决定公示超期监督案", "该局 2026 年第二季度作出的行政处罚决定中，有 37 件未在七个工作日内公示。", users["agency02"], -70)
	if err != nil {
		return sum, err
	}
	if _, err := issue(c2, pros2, users["agency02"], casework.KindViolation, -62, -58); err != nil {
		return sum, err
	}

	// 3. Overdue and copied to the justice bureau.
	c3, err := open(pros, "应移未移涉嫌犯罪案件监督案", "该局查处的 2 起销售假药案件涉案金额达到立案追诉标准，未移送公安机关。", users["agency03"], -110)
	if err != nil {
		return sum, err
	}
	s3, err := issue(c3, pros, users["agency03"], casework.KindViolation, -100, -98)
	if err != nil {
		return sum, err
	}
	at = day(-20)
	if _, err := svc.Escalate(ctx, pros, s3, "回复期限届满后经电话督促两次，仍未书面回复。"); err != nil {
		return sum, err
	}

	// 4. A draft waiting for the department head.
	c4, err := open(pros2, "行政检查备案缺失监督案", "该局 2026 年部分行政检查未按规定备案。", users["agency01"], -5)
	if err != nil {
		return sum, err
	}
	at = day(-3)
	s4, err := svc.CreateDraft(ctx, pros2, c4, casework.DraftInput{Kind: casework.KindGovernance, RecipientOrgID: users["agency01"].OrgID})
	if err != nil {
		return sum, err
	}
	sum.Suggestions++
	if err := step(pros2, s4, casework.TransitionInput{Action: "submit"}); err != nil {
		return sum, err
	}
	// Reminders due as of now (the overdue one, the one due within days).
	at = now
	if _, err := svc.Sweep(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

func ptrBool(b bool) *bool { return &b }
