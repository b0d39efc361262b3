// Package supervise is the supervision-model engine (ARCHITECTURE.md "The
// heart"): a model is a declarative YAML spec — metadata with its legal basis,
// bounded parameters, a primary dataset, conditions, joins, sub-queries,
// counts and sums over other datasets, date windows in calendar or working
// days and a lead template — compiled to one SQL statement per dialect and run
// inside the database as INSERT … SELECT into the leads table. Nothing of the
// data round-trips through Go.
package supervise

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Severity of a model's leads.
const (
	SeverityLow    = "low"
	SeverityMedium = "medium"
	SeverityHigh   = "high"
)

// Spec is a model as written in YAML.
type Spec struct {
	ID          string     `yaml:"id" json:"id"`
	Version     int        `yaml:"version" json:"version"`
	Number      int        `yaml:"number,omitempty" json:"number,omitempty"` // DOMAIN.md §6 catalogue number, 0 if none
	Name        string     `yaml:"name" json:"name"`
	Description string     `yaml:"description,omitempty" json:"description,omitempty"`
	Domain      string     `yaml:"domain,omitempty" json:"domain,omitempty"` // "" = every domain
	Severity    string     `yaml:"severity" json:"severity"`
	Target      string     `yaml:"target,omitempty" json:"target,omitempty"` // who the lead goes to (行政执法机关、法院…)
	LegalBasis  []LegalRef `yaml:"legal_basis" json:"legal_basis"`
	Enabled     *bool      `yaml:"enabled,omitempty" json:"-"` // default for a new model: true
	Schedule    string     `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	Params      []Param    `yaml:"params,omitempty" json:"params,omitempty"`
	From        Source     `yaml:"from" json:"from"`
	Joins       []Join     `yaml:"joins,omitempty" json:"joins,omitempty"`
	Measures    []Measure  `yaml:"measures,omitempty" json:"measures,omitempty"`
	Where       []Cond     `yaml:"where,omitempty" json:"where,omitempty"`
	Lead        LeadTpl    `yaml:"lead" json:"lead"`
}

// LegalRef is one legal basis: the statute and the article.
type LegalRef struct {
	Statute string `yaml:"statute" json:"statute"`
	Article string `yaml:"article" json:"article"`
}

// String renders 《statute》article.
func (r LegalRef) String() string { return "《" + r.Statute + "》" + r.Article }

// Param types.
const (
	ParamMoney = "money" // fen
	ParamInt   = "int"
	ParamDays  = "days"
	ParamText  = "text"
	ParamDate  = "date"
)

// Param is a tunable value with a default and bounds.
type Param struct {
	Name    string `yaml:"name" json:"name"`
	Label   string `yaml:"label" json:"label"`
	Type    string `yaml:"type" json:"type"`
	Default any    `yaml:"default" json:"default"`
	Min     *int64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max     *int64 `yaml:"max,omitempty" json:"max,omitempty"`
	Note    string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Source names a dataset and the alias the spec uses for it.
type Source struct {
	Dataset string `yaml:"dataset" json:"dataset"`
	As      string `yaml:"as" json:"as"`
}

// Join adds a dataset to the row: an inner join (a row without a match is
// dropped) or, with left: true, a left join.
type Join struct {
	Source `yaml:",inline"`
	Left   bool   `yaml:"left,omitempty" json:"left,omitempty"`
	On     []Cond `yaml:"on" json:"on"`
}

// Measure is a correlated aggregate over another dataset, referred to as
// $name in conditions, titles and evidence: a count of earlier penalties, the
// sum paid after a death.
type Measure struct {
	Name   string `yaml:"name" json:"name"`
	Label  string `yaml:"label" json:"label"`
	Agg    string `yaml:"agg" json:"agg"` // count | sum | min | max
	Col    string `yaml:"col,omitempty" json:"col,omitempty"`
	Source `yaml:",inline"`
	Where  []Cond `yaml:"where" json:"where"`
}

// Cond is one condition. Exactly one form is used:
//   - comparison: col op (value | param | ref [+ plus]);
//   - in: col in [values]; like: col like "text" (substring, escaped);
//   - is_null: col is_null true|false (a text column: empty counts as null);
//   - any / all / not: boolean combinations;
//   - exists / not_exists: a sub-query over a dataset with its own where,
//     which may refer to the outer aliases;
//   - age_below: the person of a resident ID was younger than N years at a date;
//   - within: a date in (after, until];
//   - duplicate: another row of the primary dataset shares the key values.
type Cond struct {
	Col   string `yaml:"col,omitempty" json:"col,omitempty"`
	Op    string `yaml:"op,omitempty" json:"op,omitempty"`
	Value any    `yaml:"value,omitempty" json:"value,omitempty"`
	Param string `yaml:"param,omitempty" json:"param,omitempty"`
	Ref   string `yaml:"ref,omitempty" json:"ref,omitempty"`
	Plus  *Shift `yaml:"plus,omitempty" json:"plus,omitempty"`
	Minus *Shift `yaml:"minus,omitempty" json:"minus,omitempty"`
	In    []any  `yaml:"in,omitempty" json:"in,omitempty"`
	Like  string `yaml:"like,omitempty" json:"like,omitempty"`
	Null  *bool  `yaml:"is_null,omitempty" json:"is_null,omitempty"`

	Any       []Cond     `yaml:"any,omitempty" json:"any,omitempty"`
	All       []Cond     `yaml:"all,omitempty" json:"all,omitempty"`
	Not       *Cond      `yaml:"not,omitempty" json:"not,omitempty"`
	Exists    *SubQuery  `yaml:"exists,omitempty" json:"exists,omitempty"`
	NotExists *SubQuery  `yaml:"not_exists,omitempty" json:"not_exists,omitempty"`
	AgeBelow  *AgeBelow  `yaml:"age_below,omitempty" json:"age_below,omitempty"`
	Between   *DateRange `yaml:"within,omitempty" json:"within,omitempty"`
	Duplicate *Duplicate `yaml:"duplicate,omitempty" json:"duplicate,omitempty"`
}

// Duplicate holds when another row of the primary dataset has the same
// values in Keys (all non-empty), among the rows passing Where (written with
// alias As). It compiles to one windowed pass — COUNT(*) OVER (PARTITION BY
// keys) — instead of a probe per row, which is what makes "the same act
// fined twice" cheap on a million penalties.
type Duplicate struct {
	As    string   `yaml:"as" json:"as"`
	Keys  []string `yaml:"keys" json:"keys"`
	Where []Cond   `yaml:"where,omitempty" json:"where,omitempty"`
}

// SubQuery is the body of exists / not_exists.
type SubQuery struct {
	Source `yaml:",inline"`
	Where  []Cond `yaml:"where" json:"where"`
}

// Shift moves a date operand: calendar days, months, years or working days
// (the calendar_days table). Each amount is an integer, {param: name} or a
// column of type int.
type Shift struct {
	Days        any `yaml:"days,omitempty" json:"days,omitempty"`
	WorkingDays any `yaml:"working_days,omitempty" json:"working_days,omitempty"`
	Months      any `yaml:"months,omitempty" json:"months,omitempty"`
	Years       any `yaml:"years,omitempty" json:"years,omitempty"`
	// RollForward moves a deadline that falls on a weekend or holiday to the
	// next working day (民事诉讼法第八十五条, DOMAIN.md §1.8: every period
	// counted in calendar days); a day outside the loaded calendar stays.
	RollForward bool `yaml:"roll_forward,omitempty" json:"roll_forward,omitempty"`
}

// AgeBelow holds when the person whose resident ID is in ID had not reached
// Years years of age on At (birth date read from the ID number).
type AgeBelow struct {
	ID    string `yaml:"id" json:"id"`
	At    string `yaml:"at" json:"at"`
	Years any    `yaml:"years" json:"years"`
}

// DateRange holds when Col lies in (From, To] — To may be absent (open).
type DateRange struct {
	Col  string `yaml:"col" json:"col"`
	From string `yaml:"after" json:"after"`
	To   string `yaml:"until,omitempty" json:"until,omitempty"`
}

// LeadTpl says what a hit becomes.
type LeadTpl struct {
	// Subject: the columns whose values identify the lead; one lead per
	// (model, subject) whatever the number of runs.
	Subject []string `yaml:"subject" json:"subject"`
	// Agency: a column holding the org id the lead concerns, or
	// AgencyCode: a column holding an org code.
	Agency     string `yaml:"agency,omitempty" json:"agency,omitempty"`
	AgencyCode string `yaml:"agency_code,omitempty" json:"agency_code,omitempty"`
	// Title: text with {alias.col}, {$measure} and {alias.col|yuan}.
	Title    string   `yaml:"title" json:"title"`
	Evidence []string `yaml:"evidence" json:"evidence"`
}

// ParseSpec reads a YAML spec, refusing unknown fields (a typo must not be
// silently ignored). It does not validate against datasets: Compile does.
func ParseSpec(text []byte) (Spec, error) {
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return Spec{}, &SpecError{Where: "YAML", Msg: "模型定义无法解析：" + yamlMessage(err)}
	}
	return s, nil
}

// yamlMessage shortens a YAML error to its useful part.
func yamlMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	msg = strings.ReplaceAll(msg, "field ", "字段 ")
	msg = strings.ReplaceAll(msg, " not found in type supervise.", " 不是合法字段（位于 ")
	if strings.Contains(msg, "不是合法字段") {
		msg += "）"
	}
	return msg
}

// SpecError is a problem with a spec, in Chinese, naming the spot.
type SpecError struct {
	Where string // e.g. "where[2].col", "params.person_limit_fen"
	Msg   string
}

func (e *SpecError) Error() string {
	if e.Where == "" {
		return e.Msg
	}
	return e.Where + "：" + e.Msg
}

func specErr(where, format string, args ...any) error {
	return &SpecError{Where: where, Msg: fmt.Sprintf(format, args...)}
}

// EnabledByDefault reports whether a new model starts enabled.
func (s Spec) EnabledByDefault() bool { return s.Enabled == nil || *s.Enabled }

// Legal renders the legal basis as one line.
func (s Spec) Legal() string {
	parts := make([]string, len(s.LegalBasis))
	for i, r := range s.LegalBasis {
		parts[i] = r.String()
	}
	return strings.Join(parts, "；")
}
