// Package dataset is the registry of the datasets supervision models read:
// the enforcement records (penalties, inspections, compulsory measures —
// typed tables owned by migrations) and the reference datasets (criminal
// cases, deaths, driving licences, benefit payments, …) whose kinds are data:
// built-in kinds are embedded YAML files under kinds/, an administrator
// registers more at run time, and each kind is stored in its own indexed
// table ds_<name> created by Sync or by the registration.
//
// This file is the contract with the model compiler (internal/supervise):
// a Kind names its table, its typed columns and the columns a model needs to
// scope, key and date its leads.
package dataset

import "strings"

// ColType is the type of a dataset column. It fixes the SQL type, how an
// imported cell is read and which columns a model may compare or join.
type ColType string

const (
	Text  ColType = "text"  // TEXT NOT NULL DEFAULT ''
	Date  ColType = "date"  // civil date: TEXT 'YYYY-MM-DD' (SQLite) / DATE (PostgreSQL); NULL = unknown
	Money ColType = "money" // BIGINT fen, read from 元 or 万元 (unit from the header)
	Int   ColType = "int"   // BIGINT; NULL = not given
	Bool  ColType = "bool"  // BOOLEAN, read from 是/否; NULL = not given
	IDNo  ColType = "id_no" // resident ID, normalised to 18 characters (GB 11643); invalid kept as written and flagged
	USCC  ColType = "uscc"  // unified social credit code, normalised (GB 32100); invalid kept and flagged
)

// Family groups column types that may be compared with each other.
func (t ColType) Family() string {
	switch t {
	case Text, IDNo, USCC:
		return "text"
	case Money, Int:
		return "number"
	default:
		return string(t)
	}
}

// Valid reports whether t is a known type.
func (t ColType) Valid() bool {
	switch t {
	case Text, Date, Money, Int, Bool, IDNo, USCC:
		return true
	}
	return false
}

// Column is one typed column of a dataset.
type Column struct {
	Name     string   `yaml:"name" json:"name"`                             // SQL column name: [a-z][a-z0-9_]*
	Label    string   `yaml:"label" json:"label"`                           // Chinese header, also the import header
	Type     ColType  `yaml:"type" json:"type"`                             //
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"` // other headers agencies write
	Required bool     `yaml:"required,omitempty" json:"required,omitempty"` // a row without it is rejected
	Values   []string `yaml:"values,omitempty" json:"values,omitempty"`     // closed list of text values (stored verbatim)
	// Expr makes the column virtual (enforcement datasets only): an SQL
	// expression over the table's real columns, every column reference
	// written as {t}.col so the compiler can put its alias in.
	Expr string `yaml:"expr,omitempty" json:"expr,omitempty"`
	// Index asks for an index on the column: a reference models join on
	// (a penalty's document number, an org code). Identity, date and key
	// columns are indexed anyway.
	Index bool `yaml:"index,omitempty" json:"index,omitempty"`
	// Note says what the column means when the label does not.
	Note string `yaml:"note,omitempty" json:"note,omitempty"`
}

// ValueName returns the Chinese name of one of the column's closed values
// as its note gives them ("simple 简易程序；ordinary 普通程序"), or v itself.
func (c Column) ValueName(v string) string {
	if len(c.Values) == 0 {
		return v
	}
	for _, part := range strings.Split(c.Note, "；") {
		code, name, ok := strings.Cut(strings.TrimSpace(part), " ")
		if ok && code == v && strings.TrimSpace(name) != "" {
			return strings.TrimSpace(name)
		}
	}
	return v
}

// Kind is one dataset.
type Kind struct {
	Name        string   `yaml:"name" json:"name"`   // [a-z][a-z0-9_]{1,40}: the name models use
	Label       string   `yaml:"label" json:"label"` // Chinese name
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	Source      string   `yaml:"source,omitempty" json:"source,omitempty"` // who supplies it (公安交管、民政…)
	Columns     []Column `yaml:"columns" json:"columns"`
	// Keys are the identity columns: one row per (agency_id, keys) — a
	// re-import of the same key updates the row instead of adding one.
	Keys []string `yaml:"keys" json:"keys"`
	// DateColumn is the column a back-test groups by month.
	DateColumn string `yaml:"date_column" json:"date_column"`
	// Enforcement marks penalties, inspections and measures: tables owned by
	// migrations, imported by internal/enforce, not by the dataset importer.
	Enforcement bool `yaml:"enforcement,omitempty" json:"enforcement,omitempty"`
	Builtin     bool `yaml:"-" json:"builtin"`
}

// Table is the SQL table holding the kind's rows.
func (k Kind) Table() string {
	if k.Enforcement {
		return k.Name
	}
	return "ds_" + k.Name
}

// System columns every dataset table has besides its kind's columns. A model
// may read id and agency_id (the organisation that supplied the row); the
// others are bookkeeping.
var SystemColumns = []Column{
	{Name: "id", Label: "记录ID", Type: Int},
	{Name: "agency_id", Label: "报送单位", Type: Int},
}

// Column returns the named column, system columns included.
func (k Kind) Column(name string) (Column, bool) {
	for _, c := range SystemColumns {
		if c.Name == name {
			return c, true
		}
	}
	for _, c := range k.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}
