package supervise

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/xingjian/xingjian/internal/store"
)

// Analyst mode: a prosecutor or data analyst runs a raw SELECT over the
// datasets. The text is checked before it runs — one SELECT or WITH
// statement, reading only dataset tables and the calendar — and then runs in
// a read-only transaction with a statement timeout, so it can neither write
// nor hold the database.

// AnalystLimits bound an analyst query.
type AnalystLimits struct {
	Timeout time.Duration // default 10 s
	MaxRows int           // default 1,000
}

// AnalystResult is what a query returned.
type AnalystResult struct {
	Columns   []string `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated"`
	Millis    int64    `json:"elapsed_ms"`
}

// QueryError is a refused or failed analyst query, in Chinese.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

// forbidden words: anything that writes, changes settings or reaches outside
// the database. A SELECT never needs them.
var forbidden = map[string]bool{
	"insert": true, "update": true, "delete": true, "merge": true, "upsert": true,
	"drop": true, "alter": true, "create": true, "truncate": true, "grant": true, "revoke": true,
	"attach": true, "detach": true, "pragma": true, "vacuum": true, "reindex": true, "analyze": true,
	"copy": true, "call": true, "do": true, "execute": true, "prepare": true, "deallocate": true,
	"lock": true, "set": true, "reset": true, "listen": true, "notify": true, "unlisten": true,
	"load": true, "into": true, "savepoint": true, "release": true, "rollback": true, "commit": true,
	"begin": true, "transaction": true, "checkpoint": true, "cluster": true, "refresh": true,
	"comment": true, "discard": true,
	// Functions that read files, sleep, change settings or reach other
	// servers; read-only transactions do not stop all of them.
	"load_extension": true, "readfile": true, "writefile": true, "edit": true, "fts3_tokenizer": true,
	"set_config": true, "current_setting": true, "dblink": true, "dblink_exec": true,
	"lo_import": true, "lo_export": true, "lo_get": true, "lo_put": true, "query_to_xml": true,
	"table_to_xml": true, "database_to_xml": true, "xpath": true,
}

// allowedTables says which tables analysts read: dataset tables and the
// working-day calendar.
func allowedTable(name string, datasets map[string]bool) bool {
	return datasets[name] || name == "calendar_days"
}

// CheckAnalystQuery refuses anything but one read-only SELECT over the
// datasets; tables are the names of the dataset tables.
func CheckAnalystQuery(q string, tables []string, dbTables []string) error {
	toks, err := tokens(q)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return &QueryError{"查询为空"}
	}
	first := strings.ToLower(toks[0].text)
	if toks[0].kind != tWord || (first != "select" && first != "with") {
		return &QueryError{"只允许一条 SELECT（或 WITH … SELECT）查询语句"}
	}
	ds := map[string]bool{}
	for _, t := range tables {
		ds[strings.ToLower(t)] = true
	}
	known := map[string]bool{}
	for _, t := range dbTables {
		known[strings.ToLower(t)] = true
	}
	for i, t := range toks {
		switch t.kind {
		case tSemicolon:
			if i != len(toks)-1 {
				return &QueryError{"只允许一条语句（分号后不能再有内容）"}
			}
		case tWord, tQuoted:
			w := strings.ToLower(t.text)
			if t.kind == tWord && forbidden[w] {
				return &QueryError{fmt.Sprintf("查询中不允许出现「%s」：分析模式只能读取数据", t.text)}
			}
			if strings.HasPrefix(w, "pg_") || strings.HasPrefix(w, "sqlite_") || w == "information_schema" {
				return &QueryError{fmt.Sprintf("不允许访问系统对象「%s」", t.text)}
			}
			if known[w] && !allowedTable(w, ds) {
				return &QueryError{fmt.Sprintf("不允许读取表「%s」：分析模式只能查询数据集（%s）和 calendar_days", t.text, strings.Join(tables, "、"))}
			}
		}
	}
	return nil
}

type tokKind int

const (
	tWord tokKind = iota
	tQuoted
	tString
	tSemicolon
	tOther
)

type token struct {
	kind tokKind
	text string
}

// tokens splits SQL into words, quoted identifiers, strings and symbols,
// dropping comments, so checks never look inside a string literal.
func tokens(q string) ([]token, error) {
	var out []token
	r := []rune(q)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '-' && i+1 < len(r) && r[i+1] == '-':
			for i < len(r) && r[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(r) && r[i+1] == '*':
			end := strings.Index(string(r[i+2:]), "*/")
			if end < 0 {
				return nil, &QueryError{"注释 /* 没有结束"}
			}
			i += 2 + len([]rune(string(r[i+2:])[:end])) + 2
		case c == '\'':
			j := i + 1
			for ; j < len(r); j++ {
				if r[j] == '\'' {
					if j+1 < len(r) && r[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(r) {
				return nil, &QueryError{"字符串引号没有结束"}
			}
			out = append(out, token{tString, string(r[i+1 : j])})
			i = j + 1
		case c == '"' || c == '`' || c == '[':
			end := c
			if c == '[' {
				end = ']'
			}
			j := i + 1
			for j < len(r) && r[j] != end {
				j++
			}
			if j >= len(r) {
				return nil, &QueryError{"标识符引号没有结束"}
			}
			out = append(out, token{tQuoted, string(r[i+1 : j])})
			i = j + 1
		case c == '$' && i+1 < len(r) && (r[i+1] == '$' || unicode.IsLetter(r[i+1])):
			// PostgreSQL dollar quoting can hide any text: not needed in a
			// SELECT, so refused.
			return nil, &QueryError{"不支持 $ 引号字符串"}
		case c == '_' || unicode.IsLetter(c):
			j := i
			for j < len(r) && (r[j] == '_' || r[j] == '$' || unicode.IsLetter(r[j]) || unicode.IsDigit(r[j])) {
				j++
			}
			out = append(out, token{tWord, string(r[i:j])})
			i = j
		case c == ';':
			out = append(out, token{tSemicolon, ";"})
			i++
		default:
			out = append(out, token{tOther, string(c)})
			i++
		}
	}
	return out, nil
}

// Tables lists the tables of the database (for the analyst check).
func Tables(ctx context.Context, db *store.DB) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type IN ('table', 'view')`
	if db.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("supervise: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Analyst checks and runs a raw query read-only.
func (e *Engine) Analyst(ctx context.Context, q string, lim AnalystLimits) (*AnalystResult, error) {
	if lim.Timeout <= 0 {
		lim.Timeout = 10 * time.Second
	}
	if lim.MaxRows <= 0 {
		lim.MaxRows = 1000
	}
	kinds, err := e.Datasets.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	var tables []string
	for _, k := range kinds {
		tables = append(tables, k.Table())
	}
	all, err := Tables(ctx, e.DB)
	if err != nil {
		return nil, err
	}
	if err := CheckAnalystQuery(q, tables, all); err != nil {
		return nil, err
	}
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	res := &AnalystResult{Rows: [][]any{}}
	start := time.Now()
	allowed := map[string]bool{"calendar_days": true}
	for _, t := range tables {
		allowed[strings.ToLower(t)] = true
	}
	isTable := map[string]bool{}
	for _, t := range all {
		isTable[strings.ToLower(t)] = true
	}
	// SQLite presents reads of a WITH query's names too: those are not
	// tables and are allowed; a real table must be a dataset's.
	allowRead := func(table string) bool {
		t := strings.ToLower(table)
		return allowed[t] || (!isTable[t] && !strings.HasPrefix(t, "sqlite_"))
	}
	err = e.DB.ReadOnly(ctx, lim.Timeout, allowRead, func(ctx context.Context, tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		if res.Columns, err = rows.Columns(); err != nil {
			return err
		}
		for rows.Next() {
			if len(res.Rows) == lim.MaxRows {
				res.Truncated = true
				break
			}
			vals := make([]any, len(res.Columns))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			for i, v := range vals {
				switch x := v.(type) {
				case []byte:
					vals[i] = string(x)
				case time.Time:
					vals[i] = x.Format("2006-01-02")
				}
			}
			res.Rows = append(res.Rows, vals)
		}
		return rows.Err()
	})
	res.Millis = time.Since(start).Milliseconds()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "statement timeout") ||
			strings.Contains(err.Error(), "interrupted") || strings.Contains(err.Error(), "canceling statement") {
			return nil, &QueryError{fmt.Sprintf("查询超过 %v 未完成，已终止；请缩小范围或增加条件", lim.Timeout)}
		}
		if errors.Is(err, sql.ErrNoRows) {
			return res, nil
		}
		return nil, &QueryError{"查询出错：" + err.Error()}
	}
	return res, nil
}
