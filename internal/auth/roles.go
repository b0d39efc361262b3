// Package auth decides who a request is and what it may touch: roles and
// their permissions, the data scope of a principal, password hashing, login
// with lockout and a login log, cookie sessions with CSRF tokens, and hashed
// per-agency API tokens for machine pushes.
package auth

// Org kinds. They live here because roles are defined by the kinds of org
// their holders may belong to.
const (
	KindProcuratorate   = "procuratorate"
	KindJusticeBureau   = "justice_bureau"
	KindCourt           = "court"
	KindPetitionBureau  = "petition_bureau"
	KindRuleOfLawOffice = "rule_of_law_office"
	KindAgency          = "agency"
	KindTownGovernment  = "town_government"
)

// OrgKind is a kind of organisation with its Chinese name.
type OrgKind struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// OrgKinds lists every kind in display order.
var OrgKinds = []OrgKind{
	{KindProcuratorate, "检察院"},
	{KindJusticeBureau, "司法局"},
	{KindCourt, "法院"},
	{KindPetitionBureau, "信访局"},
	{KindRuleOfLawOffice, "依法治区办"},
	{KindAgency, "行政执法机关"},
	{KindTownGovernment, "镇街"},
}

// OrgKindName returns the Chinese name of a kind, or "" if unknown.
func OrgKindName(code string) string {
	for _, k := range OrgKinds {
		if k.Code == code {
			return k.Name
		}
	}
	return ""
}

// Permissions. A UI shows a menu or button only when the current user holds
// the permission; the API checks the same permission.
const (
	PermDashboardView = "dashboard.view"
	PermOrgRead       = "org.read"
	PermOrgManage     = "org.manage"
	PermUserRead      = "user.read"
	PermUserManage    = "user.manage"
	PermTokenManage   = "token.manage"
	PermAuditRead     = "audit.read"
	// PermRecordRead lets a person browse and search enforcement records
	// (agency liaisons: their own org's).
	PermRecordRead = "record.read"
	// PermRecordImport lets a person import enforcement files (agency
	// liaisons: for their own org).
	PermRecordImport = "record.import"
	// PermRecordPush is held by agency systems' API tokens.
	PermRecordPush = "record.push"
	// PermReferenceRead lets a person read the shared reference material
	// (discretion benchmarks, typical cases, news): every person role.
	PermReferenceRead = "reference.read"
	// PermReferenceManage lets a person import and edit discretion
	// benchmarks and publish news (agency liaisons: their own org's).
	PermReferenceManage = "reference.manage"
	// PermCaseManage lets a person edit typical cases (procuratorate and
	// justice bureau).
	PermCaseManage = "reference.case_manage"
	// PermDatasetRead lets a person browse reference datasets (criminal
	// cases, deaths, licences, …): the procuratorate's whole district; a
	// supplier (agency, court, petition bureau) the rows it supplied.
	PermDatasetRead = "dataset.read"
	// PermDatasetImport lets a person import reference-dataset files
	// (suppliers: for their own org).
	PermDatasetImport = "dataset.import"
	// PermDatasetManage lets a person register new dataset kinds.
	PermDatasetManage = "dataset.manage"
	// PermModelRead lets a person see the model catalogue, compiled SQL,
	// runs and back-tests.
	PermModelRead = "model.read"
	// PermModelRun lets a person run models and back-tests.
	PermModelRun = "model.run"
	// PermModelManage lets a person enable, disable, tune and write models.
	PermModelManage = "model.manage"
	// PermModelAnalyst lets a person run read-only SELECTs over datasets.
	PermModelAnalyst = "model.analyst"
	// PermLeadRead lets a person read the procuratorate's leads.
	PermLeadRead = "lead.read"
	// PermLeadTriage lets a person confirm or dismiss leads.
	PermLeadTriage = "lead.triage"
	// PermSelfCheck lets an agency liaison run the catalogue over its own
	// org's data (以我管促都管); results stay with that org.
	PermSelfCheck = "model.selfcheck"
	// PermCaseRead lets a person read the procuratorate's cases and every
	// suggestion it issued.
	PermCaseRead = "case.read"
	// PermCaseHandle lets a person open and handle cases, draft, deliver and
	// verify suggestions and request escalations.
	PermCaseHandle = "case.handle"
	// PermSuggestionApprove lets a person approve suggestions where the
	// approval rule names their role (a chief approves anything).
	PermSuggestionApprove = "suggestion.approve"
	// PermEscalationApprove lets a person approve escalations above the
	// justice-bureau copy and decide objections (the chief prosecutor).
	PermEscalationApprove = "escalation.approve"
	// PermSuggestionReply lets a recipient (agency, court) read the
	// suggestions addressed to its org, reply, object and report rectification.
	PermSuggestionReply = "suggestion.reply"
	// PermEscalationHandle lets a justice-bureau officer read the escalations
	// copied to the bureau and record their handling.
	PermEscalationHandle = "escalation.handle"
	// PermCaseworkStats lets a person read the casework numbers.
	PermCaseworkStats = "casework.stats"
	// PermCaseworkConfigure lets a person change document and approval settings.
	PermCaseworkConfigure = "casework.configure"
)

// Roles.
const (
	RoleAdmin           = "admin"
	RoleProsecutor      = "prosecutor"
	RoleDeptHead        = "dept_head"
	RoleChief           = "chief"
	RoleJusticeOfficer  = "justice_officer"
	RoleAgencyLiaison   = "agency_liaison"
	RolePetitionLiaison = "petition_liaison"
	RoleCourtLiaison    = "court_liaison"
	RoleLeader          = "leader"
	// RoleAgencySystem is the role of an API token, never of a person.
	RoleAgencySystem = "agency_system"
)

// Role describes one role.
type Role struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	OrgKinds    []string `json:"org_kinds"`   // kinds of org a holder may belong to
	Permissions []string `json:"permissions"` // what the role may do
	// District roles see the whole district's data; the others see their own
	// org's data and what is addressed to it.
	District bool `json:"district"`
}

var base = []string{PermDashboardView, PermOrgRead, PermReferenceRead}

func with(extra ...string) []string { return append(append([]string{}, base...), extra...) }

// Roles is the role table, in display order.
var Roles = []Role{
	{RoleAdmin, "系统管理员", []string{KindProcuratorate}, with(PermOrgManage, PermUserRead, PermUserManage, PermTokenManage, PermAuditRead, PermRecordRead, PermRecordImport, PermReferenceManage, PermCaseManage,
		PermDatasetRead, PermDatasetImport, PermDatasetManage, PermModelRead, PermModelRun, PermModelManage, PermModelAnalyst, PermLeadRead, PermCaseworkConfigure), true},
	{RoleProsecutor, "检察官", []string{KindProcuratorate}, with(PermRecordRead, PermReferenceManage, PermCaseManage,
		PermDatasetRead, PermModelRead, PermModelRun, PermModelManage, PermModelAnalyst, PermLeadRead, PermLeadTriage,
		PermCaseRead, PermCaseHandle, PermCaseworkStats), true},
	{RoleDeptHead, "部门负责人", []string{KindProcuratorate}, with(PermUserRead, PermRecordRead, PermCaseManage,
		PermDatasetRead, PermModelRead, PermModelRun, PermModelManage, PermModelAnalyst, PermLeadRead, PermLeadTriage,
		PermCaseRead, PermCaseHandle, PermSuggestionApprove, PermCaseworkStats), true},
	{RoleChief, "检察长", []string{KindProcuratorate}, with(PermUserRead, PermRecordRead, PermCaseManage, PermDatasetRead, PermModelRead, PermLeadRead,
		PermLeadTriage, PermCaseRead, PermCaseHandle, PermSuggestionApprove, PermEscalationApprove, PermCaseworkStats, PermCaseworkConfigure), true},
	{RoleJusticeOfficer, "司法局工作人员", []string{KindJusticeBureau}, with(PermRecordRead, PermReferenceManage, PermCaseManage, PermEscalationHandle), true},
	{RoleAgencyLiaison, "执法单位联络员", []string{KindAgency, KindTownGovernment}, with(PermTokenManage, PermRecordRead, PermRecordImport, PermReferenceManage, PermDatasetRead, PermDatasetImport, PermSelfCheck, PermSuggestionReply), false},
	{RolePetitionLiaison, "信访局联络员", []string{KindPetitionBureau}, with(PermDatasetRead, PermDatasetImport), false},
	{RoleCourtLiaison, "法院联络员", []string{KindCourt}, with(PermDatasetRead, PermDatasetImport, PermSuggestionReply), false},
	{RoleLeader, "领导", []string{KindRuleOfLawOffice, KindProcuratorate}, with(PermCaseworkStats), true},
}

var agencySystem = Role{RoleAgencySystem, "执法单位系统接口", nil, []string{PermOrgRead, PermRecordPush}, false}

// LookupRole finds a person's role by code.
func LookupRole(code string) (Role, bool) {
	for _, r := range Roles {
		if r.Code == code {
			return r, true
		}
	}
	return Role{}, false
}

// AllowsKind reports whether a holder of the role may belong to an org of kind.
func (r Role) AllowsKind(kind string) bool {
	for _, k := range r.OrgKinds {
		if k == kind {
			return true
		}
	}
	return false
}
