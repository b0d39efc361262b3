package supervise

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Lookup finds a dataset kind by name.
type Lookup func(name string) (dataset.Kind, bool)

// Options of a compilation.
type Options struct {
	Dialect store.Dialect
	// AsOf is the day the model is run for: $today in the spec.
	AsOf tabular.Date
	// Params overrides the spec's defaults (values within bounds).
	Params map[string]any
	// OwnAgency, when non-zero, keeps only the hits concerning that org (an
	// agency's self-check).
	OwnAgency int64
}

// Compiled is a spec turned into SQL for one dialect.
type Compiled struct {
	// Select yields one row per lead: subject_key, agency_id, title,
	// evidence (JSON text), event_date.
	Select string
	// Bare is the same filter returning only the primary row ids, without
	// leads, evidence or de-duplication: the yardstick the engine's
	// overhead is measured against.
	Bare string
	// Scan counts the rows of the primary dataset the model reads.
	Scan string
	// Params are the values used, defaults filled in.
	Params map[string]any
	// Primary is the primary dataset.
	Primary dataset.Kind
}

var (
	identRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	aliasRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,15}$`)
)

// Compile validates a spec against the datasets and renders its SQL. Every
// problem is a *SpecError in Chinese naming the spot; nothing is run.
func Compile(s Spec, lookup Lookup, o Options) (*Compiled, error) {
	c := &compiler{spec: s, lookup: lookup, o: o, params: map[string]paramVal{}}
	if err := c.checkMeta(); err != nil {
		return nil, err
	}
	if err := c.resolveParams(); err != nil {
		return nil, err
	}
	return c.compile()
}

type paramVal struct {
	p   Param
	num int64
	str string
}

type scope struct {
	aliases map[string]dataset.Kind
	parent  *scope
}

func (sc *scope) find(alias string) (dataset.Kind, bool) {
	for s := sc; s != nil; s = s.parent {
		if k, ok := s.aliases[alias]; ok {
			return k, true
		}
	}
	return dataset.Kind{}, false
}

type compiler struct {
	spec     Spec
	lookup   Lookup
	o        Options
	params   map[string]paramVal
	measures map[string]operand // $name → its correlated sub-query
	n        int                // counter for generated aliases
}

// operand is a typed SQL expression.
type operand struct {
	sql string
	typ dataset.ColType
}

func (c *compiler) checkMeta() error {
	s := c.spec
	if !identRe.MatchString(s.ID) {
		return specErr("id", "模型标识须为小写字母开头的字母、数字、下划线（最长63位），当前为「%s」", s.ID)
	}
	if s.Version < 1 {
		return specErr("version", "版本号须为正整数")
	}
	if strings.TrimSpace(s.Name) == "" {
		return specErr("name", "缺少模型名称")
	}
	switch s.Severity {
	case SeverityLow, SeverityMedium, SeverityHigh:
	default:
		return specErr("severity", "风险等级须为 low、medium 或 high，当前为「%s」", s.Severity)
	}
	if len(s.LegalBasis) == 0 {
		return specErr("legal_basis", "每个模型须载明法律依据（法律名称和条款）")
	}
	for i, r := range s.LegalBasis {
		if strings.TrimSpace(r.Statute) == "" || strings.TrimSpace(r.Article) == "" {
			return specErr(fmt.Sprintf("legal_basis[%d]", i), "法律依据须同时写明法律名称和条款")
		}
	}
	if s.Schedule != "" {
		if _, err := ParseSchedule(s.Schedule); err != nil {
			return specErr("schedule", "%v", err)
		}
	}
	if len(s.Lead.Subject) == 0 {
		return specErr("lead.subject", "须指定线索主体列（同一主体只产生一条线索）")
	}
	if strings.TrimSpace(s.Lead.Title) == "" {
		return specErr("lead.title", "缺少线索标题模板")
	}
	if len(s.Lead.Evidence) == 0 {
		return specErr("lead.evidence", "须列出证据列")
	}
	if (s.Lead.Agency == "") == (s.Lead.AgencyCode == "") {
		return specErr("lead.agency", "须且只能指定 agency（单位ID列）或 agency_code（单位代码列）之一")
	}
	return nil
}

func (c *compiler) resolveParams() error {
	seen := map[string]bool{}
	for i, p := range c.spec.Params {
		where := fmt.Sprintf("params[%d]", i)
		if !identRe.MatchString(p.Name) || seen[p.Name] {
			return specErr(where, "参数名「%s」不合法或重复", p.Name)
		}
		seen[p.Name] = true
		if p.Label == "" {
			return specErr(where, "参数 %s 缺少中文名称", p.Name)
		}
		v := p.Default
		if ov, ok := c.o.Params[p.Name]; ok {
			v = ov
		}
		pv := paramVal{p: p}
		switch p.Type {
		case ParamMoney, ParamInt, ParamDays:
			n, ok := toInt(v)
			if !ok {
				return specErr("params."+p.Name, "参数「%s」须为整数，当前为 %v", p.Label, v)
			}
			if p.Min != nil && n < *p.Min || p.Max != nil && n > *p.Max {
				if p.Type == ParamMoney { // shown and entered in yuan
					return specErr("params."+p.Name, "参数「%s」的值 %s 元超出允许范围 %s", p.Label, yuanText(n), bounds(p))
				}
				return specErr("params."+p.Name, "参数「%s」的值 %d 超出允许范围 %s", p.Label, n, bounds(p))
			}
			pv.num = n
		case ParamText:
			str, ok := v.(string)
			if !ok {
				return specErr("params."+p.Name, "参数「%s」须为文本", p.Label)
			}
			pv.str = str
		case ParamDate:
			str, _ := v.(string)
			if _, err := tabular.ParseDate(str); err != nil || len(str) != 10 {
				return specErr("params."+p.Name, "参数「%s」须为日期（YYYY-MM-DD），当前为 %v", p.Label, v)
			}
			pv.str = str
		default:
			return specErr(where, "参数 %s 的类型「%s」未知（可用 money、int、days、text、date）", p.Name, p.Type)
		}
		c.params[p.Name] = pv
	}
	for name := range c.o.Params {
		if !seen[name] {
			return specErr("params."+name, "模型没有参数「%s」", name)
		}
	}
	return nil
}

func bounds(p Param) string {
	lo, hi := "-∞", "+∞"
	format := func(n int64) string { return strconv.FormatInt(n, 10) }
	unit := ""
	if p.Type == ParamMoney {
		format, unit = yuanText, " 元"
	}
	if p.Min != nil {
		lo = format(*p.Min)
	}
	if p.Max != nil {
		hi = format(*p.Max)
	}
	return "[" + lo + ", " + hi + "]" + unit
}

// yuanText renders fen as yuan: 20000 → "200", 20001 → "200.01".
func yuanText(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	if fen%100 == 0 {
		return sign + strconv.FormatInt(fen/100, 10)
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// toInt accepts the integer forms YAML and JSON produce.
func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		if n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		return i, err == nil
	}
	return 0, false
}

func (c *compiler) dataset(where string, src Source, sc *scope) (dataset.Kind, error) {
	if !aliasRe.MatchString(src.As) {
		return dataset.Kind{}, specErr(where+".as", "别名「%s」须为小写字母开头、最长16位", src.As)
	}
	if _, dup := sc.find(src.As); dup {
		return dataset.Kind{}, specErr(where+".as", "别名「%s」重复", src.As)
	}
	k, ok := c.lookup(src.Dataset)
	if !ok {
		return dataset.Kind{}, specErr(where+".dataset", "数据集「%s」不存在", src.Dataset)
	}
	sc.aliases[src.As] = k
	return k, nil
}

func (c *compiler) compile() (*Compiled, error) {
	s := c.spec
	root := &scope{aliases: map[string]dataset.Kind{}}
	primary, err := c.dataset("from", s.From, root)
	if err != nil {
		return nil, err
	}
	var from strings.Builder
	fmt.Fprintf(&from, "%s %s", primary.Table(), s.From.As)
	order := []string{s.From.As + ".id"}
	for i, j := range s.Joins {
		where := fmt.Sprintf("joins[%d]", i)
		k, err := c.dataset(where, j.Source, root)
		if err != nil {
			return nil, err
		}
		if len(j.On) == 0 {
			return nil, specErr(where+".on", "连接须有 on 条件")
		}
		on, err := c.conds(where+".on", j.On, root)
		if err != nil {
			return nil, err
		}
		kw := "JOIN"
		if j.Left {
			kw = "LEFT JOIN"
		}
		fmt.Fprintf(&from, "\n  %s %s %s ON %s", kw, k.Table(), j.As, on)
		order = append(order, j.As+".id")
	}
	c.measures = map[string]operand{}
	for i, m := range s.Measures {
		if err := c.measure(fmt.Sprintf("measures[%d]", i), m, root); err != nil {
			return nil, err
		}
	}
	where := "TRUE"
	if len(s.Where) > 0 {
		where, err = c.conds("where", s.Where, root)
		if err != nil {
			return nil, err
		}
	}
	subject, err := c.subject(root)
	if err != nil {
		return nil, err
	}
	agency, err := c.agency(root)
	if err != nil {
		return nil, err
	}
	title, err := c.title(root)
	if err != nil {
		return nil, err
	}
	evidence, err := c.evidence(root)
	if err != nil {
		return nil, err
	}
	event := "NULL"
	if primary.DateColumn != "" {
		event = s.From.As + "." + primary.DateColumn
	}
	filter := where
	if c.o.OwnAgency != 0 {
		filter = "(" + where + ") AND " + agency + " = " + strconv.FormatInt(c.o.OwnAgency, 10)
	}
	sel := fmt.Sprintf(`SELECT subject_key, agency_id, title, evidence, event_date FROM (
SELECT %s AS subject_key,
  %s AS agency_id,
  %s AS title,
  %s AS evidence,
  %s AS event_date,
  ROW_NUMBER() OVER (PARTITION BY %s ORDER BY %s) AS rn
FROM %s
WHERE %s
) hit WHERE rn = 1`, subject, agency, title, evidence, event, subject, strings.Join(order, ", "), from.String(), filter)
	bare := fmt.Sprintf("SELECT %s.id FROM %s\nWHERE %s", s.From.As, from.String(), filter)
	scan := "SELECT COUNT(*) FROM " + primary.Table()
	if c.o.OwnAgency != 0 {
		scan += " WHERE agency_id = " + strconv.FormatInt(c.o.OwnAgency, 10)
	}
	used := map[string]any{}
	for name, pv := range c.params {
		switch pv.p.Type {
		case ParamText, ParamDate:
			used[name] = pv.str
		default:
			used[name] = pv.num
		}
	}
	return &Compiled{Select: sel, Bare: bare, Scan: scan, Params: used, Primary: primary}, nil
}

func (c *compiler) measure(where string, m Measure, sc *scope) error {
	if !identRe.MatchString(m.Name) {
		return specErr(where+".name", "统计量名称「%s」不合法", m.Name)
	}
	if _, dup := c.measures[m.Name]; dup {
		return specErr(where+".name", "统计量「%s」重复", m.Name)
	}
	if m.Label == "" {
		return specErr(where+".label", "统计量 %s 缺少中文名称", m.Name)
	}
	inner := &scope{aliases: map[string]dataset.Kind{}, parent: sc}
	k, err := c.dataset(where, m.Source, inner)
	if err != nil {
		return err
	}
	cond := "TRUE"
	if len(m.Where) > 0 {
		if cond, err = c.conds(where+".where", m.Where, inner); err != nil {
			return err
		}
	}
	var expr string
	typ := dataset.Int
	switch m.Agg {
	case "count":
		expr = "COUNT(*)"
	case "sum", "min", "max":
		col, err := c.column(where+".col", m.Col, inner)
		if err != nil {
			return err
		}
		if m.Agg == "sum" {
			if col.typ.Family() != "number" {
				return specErr(where+".col", "只能对金额或整数列求和")
			}
			expr = "COALESCE(SUM(" + col.sql + "), 0)"
		} else {
			expr = strings.ToUpper(m.Agg) + "(" + col.sql + ")"
		}
		typ = col.typ
	default:
		return specErr(where+".agg", "统计方式须为 count、sum、min 或 max")
	}
	c.measures[m.Name] = operand{
		sql: fmt.Sprintf("(SELECT %s FROM %s %s WHERE %s)", expr, k.Table(), m.As, cond),
		typ: typ,
	}
	return nil
}

// column resolves alias.col, $today or $measure.
func (c *compiler) column(where, ref string, sc *scope) (operand, error) {
	if ref == "$today" {
		return operand{sql: c.dateLit(c.o.AsOf.String()), typ: dataset.Date}, nil
	}
	if strings.HasPrefix(ref, "$") {
		m, ok := c.measures[ref[1:]]
		if !ok {
			return operand{}, specErr(where, "统计量「%s」未定义（须先在 measures 中定义）", ref)
		}
		return m, nil
	}
	alias, name, ok := strings.Cut(ref, ".")
	if !ok {
		return operand{}, specErr(where, "列引用「%s」须写成 别名.列名", ref)
	}
	k, ok := sc.find(alias)
	if !ok {
		return operand{}, specErr(where, "别名「%s」未定义", alias)
	}
	col, ok := k.Column(name)
	if !ok {
		return operand{}, specErr(where, "数据集「%s」（%s）没有列「%s」", k.Label, k.Name, name)
	}
	if col.Expr != "" {
		return operand{sql: strings.ReplaceAll(col.Expr, "{t}", alias), typ: col.Type}, nil
	}
	return operand{sql: alias + "." + name, typ: col.Type}, nil
}

func (c *compiler) conds(where string, cs []Cond, sc *scope) (string, error) {
	parts := make([]string, 0, len(cs))
	for i, cd := range cs {
		s, err := c.cond(fmt.Sprintf("%s[%d]", where, i), cd, sc)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

var ops = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

func (c *compiler) cond(where string, cd Cond, sc *scope) (string, error) {
	forms := 0
	for _, set := range []bool{cd.Col != "" && cd.AgeBelow == nil, cd.Any != nil, cd.All != nil, cd.Not != nil,
		cd.Exists != nil, cd.NotExists != nil, cd.AgeBelow != nil, cd.Between != nil, cd.Duplicate != nil} {
		if set {
			forms++
		}
	}
	if forms != 1 {
		return "", specErr(where, "每个条件须且只能是一种形式（比较、in、like、is_null、any、all、not、exists、not_exists、age_below、within、duplicate）")
	}
	switch {
	case cd.Any != nil || cd.All != nil:
		list, join := cd.All, " AND "
		if cd.Any != nil {
			list, join = cd.Any, " OR "
		}
		if len(list) == 0 {
			return "", specErr(where, "any/all 不能为空")
		}
		parts := make([]string, len(list))
		for i, x := range list {
			s, err := c.cond(fmt.Sprintf("%s[%d]", where, i), x, sc)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "(" + strings.Join(parts, join) + ")", nil
	case cd.Not != nil:
		s, err := c.cond(where+".not", *cd.Not, sc)
		if err != nil {
			return "", err
		}
		return "NOT " + s, nil
	case cd.Exists != nil || cd.NotExists != nil:
		sub, kw := cd.Exists, "EXISTS"
		if cd.NotExists != nil {
			sub, kw = cd.NotExists, "NOT EXISTS"
		}
		inner := &scope{aliases: map[string]dataset.Kind{}, parent: sc}
		k, err := c.dataset(where, sub.Source, inner)
		if err != nil {
			return "", err
		}
		if len(sub.Where) == 0 {
			return "", specErr(where+".where", "子查询须有条件（至少一个与外层关联的条件）")
		}
		w, err := c.conds(where+".where", sub.Where, inner)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s (SELECT 1 FROM %s %s WHERE %s)", kw, k.Table(), sub.As, w), nil
	case cd.AgeBelow != nil:
		return c.ageBelow(where+".age_below", *cd.AgeBelow, sc)
	case cd.Between != nil:
		return c.within(where+".within", *cd.Between, sc)
	case cd.Duplicate != nil:
		return c.duplicate(where+".duplicate", *cd.Duplicate, sc)
	}
	left, err := c.column(where+".col", cd.Col, sc)
	if err != nil {
		return "", err
	}
	switch {
	case cd.Null != nil:
		if cd.Op != "" || cd.Value != nil || cd.Ref != "" || cd.Param != "" {
			return "", specErr(where, "is_null 不能与 op/value 同用")
		}
		// Written as the plain terms partial indexes are declared with
		// (WHERE paid_date IS NULL …), so SQLite can match them. Text
		// columns are NOT NULL DEFAULT '': empty is their null.
		switch {
		case left.typ.Family() == "text" && *cd.Null:
			return left.sql + " = ''", nil
		case left.typ.Family() == "text":
			return left.sql + " <> ''", nil
		case *cd.Null:
			return left.sql + " IS NULL", nil
		default:
			return left.sql + " IS NOT NULL", nil
		}
	case cd.In != nil:
		if len(cd.In) == 0 {
			return "", specErr(where+".in", "in 列表不能为空")
		}
		lits := make([]string, len(cd.In))
		for i, v := range cd.In {
			l, err := c.literal(fmt.Sprintf("%s.in[%d]", where, i), v, left.typ)
			if err != nil {
				return "", err
			}
			lits[i] = l
		}
		kw := " IN "
		if cd.Op == "not_in" {
			kw = " NOT IN "
		} else if cd.Op != "" {
			return "", specErr(where+".op", "in 只能与 op: not_in 同用")
		}
		return left.sql + kw + "(" + strings.Join(lits, ", ") + ")", nil
	case cd.Like != "":
		if left.typ.Family() != "text" {
			return "", specErr(where+".like", "like 只能用于文本列")
		}
		kw := " LIKE "
		if cd.Op == "not_like" {
			kw = " NOT LIKE "
		}
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		return left.sql + kw + quote("%"+r.Replace(cd.Like)+"%") + ` ESCAPE '\'`, nil
	}
	if !ops[cd.Op] {
		return "", specErr(where+".op", "比较运算符须为 = <> < <= > >=，当前为「%s」", cd.Op)
	}
	n := 0
	for _, set := range []bool{cd.Value != nil, cd.Param != "", cd.Ref != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return "", specErr(where, "比较须且只能有 value、param、ref 之一")
	}
	var right operand
	switch {
	case cd.Value != nil:
		l, err := c.literal(where+".value", cd.Value, left.typ)
		if err != nil {
			return "", err
		}
		right = operand{sql: l, typ: left.typ}
	case cd.Param != "":
		right, err = c.param(where+".param", cd.Param)
		if err != nil {
			return "", err
		}
	default:
		right, err = c.column(where+".ref", cd.Ref, sc)
		if err != nil {
			return "", err
		}
	}
	if cd.Plus != nil && cd.Minus != nil {
		return "", specErr(where, "plus 与 minus 不能同时使用")
	}
	prefilter := ""
	for _, sh := range []struct {
		s    *Shift
		name string
		sign string
	}{{cd.Plus, "plus", ""}, {cd.Minus, "minus", "-"}} {
		if sh.s == nil {
			continue
		}
		if right.typ != dataset.Date {
			return "", specErr(where+"."+sh.name, "只有日期可以加减天数、工作日、月、年")
		}
		base := right.sql
		right.sql, err = c.shift(where+"."+sh.name, base, *sh.s, sh.sign, sc)
		if err != nil {
			return "", err
		}
		if sh.sign == "" && (cd.Op == ">" || cd.Op == ">=") && (sh.s.RollForward || sh.s.WorkingDays != nil) {
			// A cheap necessary condition first: N working days are at
			// least N calendar days, and a rolled deadline is never earlier
			// than the plain one. Rows failing it never reach the calendar
			// look-ups (most rows, on a million).
			cheap := *sh.s
			cheap.RollForward = false
			if cheap.WorkingDays != nil {
				cheap.Days, cheap.WorkingDays = cheap.WorkingDays, nil
				if cheap.Days != nil && (sh.s.Days != nil) {
					cheap.Days = nil // both given: keep it simple, no prefilter
				}
			}
			if cheap.Days != nil || cheap.Months != nil || cheap.Years != nil {
				if lower, err := c.shift(where+"."+sh.name, base, cheap, "", sc); err == nil {
					prefilter = left.sql + " " + cd.Op + " " + lower + " AND "
				}
			}
		}
	}
	if left.typ.Family() != right.typ.Family() {
		return "", specErr(where, "类型不兼容：%s（%s）与 %s（%s）不能比较", cd.Col, typeName(left.typ),
			firstNonEmpty(cd.Ref, cd.Param, fmt.Sprint(cd.Value)), typeName(right.typ))
	}
	if cd.Op == "=" && cd.Ref != "" && !strings.HasPrefix(cd.Ref, "$") && left.typ.Family() == "text" {
		// Two empty identifiers are not the same person: an equality of
		// columns never matches on ''. Saying so also lets SQLite use the
		// partial indexes (WHERE col <> '') the identity columns carry.
		return "(" + left.sql + " = " + right.sql + " AND " + left.sql + " <> '' AND " + right.sql + " <> '')", nil
	}
	if prefilter != "" {
		return "(" + prefilter + left.sql + " " + cd.Op + " " + right.sql + ")", nil
	}
	return left.sql + " " + cd.Op + " " + right.sql, nil
}

func (c *compiler) duplicate(where string, d Duplicate, sc *scope) (string, error) {
	if len(d.Keys) == 0 {
		return "", specErr(where+".keys", "须列出判断重复的列")
	}
	primary, ok := c.lookup(c.spec.From.Dataset)
	if !ok {
		return "", specErr(where, "主数据集不存在")
	}
	// The ids of the rows passing Where whose keys are shared: on SQLite a
	// COUNT(*) window over the keys; on PostgreSQL a GROUP BY of the keys
	// (alias <as>_g) whose groups of two or more are joined back (alias
	// <as>). The primary row is a hit when its id is among them.
	render := func(alias string) (keys []string, conds []string, err error) {
		inner := &scope{aliases: map[string]dataset.Kind{}, parent: sc}
		if _, err := c.dataset(where, Source{Dataset: primary.Name, As: alias}, inner); err != nil {
			return nil, nil, err
		}
		for i, name := range d.Keys {
			op, err := c.column(fmt.Sprintf("%s.keys[%d]", where, i), alias+"."+name, inner)
			if err != nil {
				return nil, nil, err
			}
			keys = append(keys, op.sql)
			// Rows without the value are never duplicates of each other.
			if op.typ.Family() == "text" {
				conds = append(conds, op.sql+" <> ''")
			} else {
				conds = append(conds, op.sql+" IS NOT NULL")
			}
		}
		if len(d.Where) > 0 {
			w, err := c.conds(where+".where", renameAlias(d.Where, d.As, alias), inner)
			if err != nil {
				return nil, nil, err
			}
			conds = append(conds, w)
		}
		return keys, conds, nil
	}
	if !aliasRe.MatchString(d.As) || len(d.As) > 12 {
		return "", specErr(where+".as", "别名「%s」须为小写字母开头、最长12位", d.As)
	}
	ok1, oc, err := render(d.As)
	if err != nil {
		return "", err
	}
	gk, gc, err := render(d.As + "_g")
	if err != nil {
		return "", err
	}
	if c.o.Dialect == store.SQLite {
		// SQLite computes the window in one pass over the index holding
		// the keys (1.2 s at a million penalties); its GROUP BY plan
		// sorted instead (4.4 s).
		return fmt.Sprintf("%s.id IN (SELECT dd.id FROM (SELECT %s.id AS id, COUNT(*) OVER (PARTITION BY %s) AS n FROM %s %s WHERE %s) dd WHERE dd.n > 1)",
			c.spec.From.As, d.As, strings.Join(ok1, ", "), primary.Table(), d.As, strings.Join(oc, " AND ")), nil
	}
	// PostgreSQL hashes the groups (1.6 s; the window's sort took 3.7 s).
	return fmt.Sprintf("%s.id IN (SELECT %s.id FROM %s %s WHERE %s AND (%s) IN (SELECT %s FROM %s %s_g WHERE %s GROUP BY %s HAVING COUNT(*) > 1))",
		c.spec.From.As, d.As, primary.Table(), d.As, strings.Join(oc, " AND "), strings.Join(ok1, ", "),
		strings.Join(gk, ", "), primary.Table(), d.As, strings.Join(gc, " AND "), strings.Join(gk, ", ")), nil
}

// renameAlias rewrites conditions written with alias from to alias to.
func renameAlias(cs []Cond, from, to string) []Cond {
	ren := func(ref string) string {
		if strings.HasPrefix(ref, from+".") {
			return to + ref[len(from):]
		}
		return ref
	}
	out := make([]Cond, len(cs))
	for i, cd := range cs {
		cd.Col, cd.Ref = ren(cd.Col), ren(cd.Ref)
		cd.Any, cd.All = renameAlias(cd.Any, from, to), renameAlias(cd.All, from, to)
		if cd.Not != nil {
			n := renameAlias([]Cond{*cd.Not}, from, to)[0]
			cd.Not = &n
		}
		for _, sub := range []**SubQuery{&cd.Exists, &cd.NotExists} {
			if *sub != nil {
				q := **sub
				q.Where = renameAlias(q.Where, from, to)
				*sub = &q
			}
		}
		if cd.Between != nil {
			b := *cd.Between
			b.Col, b.From, b.To = ren(b.Col), ren(b.From), ren(b.To)
			cd.Between = &b
		}
		if cd.AgeBelow != nil {
			a := *cd.AgeBelow
			a.ID, a.At = ren(a.ID), ren(a.At)
			cd.AgeBelow = &a
		}
		if cd.Plus != nil || cd.Minus != nil {
			for _, sh := range []**Shift{&cd.Plus, &cd.Minus} {
				if *sh == nil {
					continue
				}
				x := **sh
				for _, v := range []*any{&x.Days, &x.WorkingDays, &x.Months, &x.Years} {
					if str, ok := (*v).(string); ok {
						*v = ren(str)
					}
				}
				*sh = &x
			}
		}
		out[i] = cd
	}
	if cs == nil {
		return nil
	}
	return out
}

func (c *compiler) within(where string, w DateRange, sc *scope) (string, error) {
	col, err := c.column(where+".col", w.Col, sc)
	if err != nil {
		return "", err
	}
	from, err := c.column(where+".after", w.From, sc)
	if err != nil {
		return "", err
	}
	if col.typ != dataset.Date || from.typ != dataset.Date {
		return "", specErr(where, "within 只能用于日期列")
	}
	s := col.sql + " > " + from.sql
	if w.To != "" {
		to, err := c.column(where+".until", w.To, sc)
		if err != nil {
			return "", err
		}
		if to.typ != dataset.Date {
			return "", specErr(where+".until", "within 只能用于日期列")
		}
		s += " AND (" + to.sql + " IS NULL OR " + col.sql + " <= " + to.sql + ")"
	}
	return "(" + s + ")", nil
}

func (c *compiler) ageBelow(where string, a AgeBelow, sc *scope) (string, error) {
	id, err := c.column(where+".id", a.ID, sc)
	if err != nil {
		return "", err
	}
	if id.typ != dataset.IDNo {
		return "", specErr(where+".id", "age_below 须用身份证号列")
	}
	at, err := c.column(where+".at", a.At, sc)
	if err != nil {
		return "", err
	}
	if at.typ != dataset.Date {
		return "", specErr(where+".at", "age_below 的 at 须为日期列")
	}
	years, err := c.amount(where+".years", a.Years, sc)
	if err != nil {
		return "", err
	}
	// The birth date is characters 7–14 of an 18-digit ID; comparing it as
	// text with the date N years before never fails on a malformed ID.
	var born string
	if c.o.Dialect == store.Postgres {
		born = "to_char(" + at.sql + " - make_interval(years => (" + years + ")::int), 'YYYYMMDD')"
	} else {
		born = "strftime('%Y%m%d', " + at.sql + ", '-' || (" + years + ") || ' years', 'floor')"
	}
	return fmt.Sprintf("(length(%s) = 18 AND substr(%s, 7, 8) > %s)", id.sql, id.sql, born), nil
}

// amount renders a shift or age amount: an integer, {param: name} or an
// integer column.
func (c *compiler) amount(where string, v any, sc *scope) (string, error) {
	switch x := v.(type) {
	case map[string]any:
		name, _ := x["param"].(string)
		if len(x) != 1 || name == "" {
			return "", specErr(where, "须为整数、{param: 参数名} 或整数列")
		}
		p, err := c.param(where+".param", name)
		if err != nil {
			return "", err
		}
		if p.typ.Family() != "number" {
			return "", specErr(where, "参数「%s」须为整数类型", name)
		}
		return p.sql, nil
	case string:
		if n, ok := toInt(x); ok {
			return strconv.FormatInt(n, 10), nil
		}
		col, err := c.column(where, x, sc)
		if err != nil {
			return "", err
		}
		if col.typ != dataset.Int {
			return "", specErr(where, "列「%s」须为整数列", x)
		}
		return "COALESCE(" + col.sql + ", 0)", nil
	}
	if n, ok := toInt(v); ok {
		return strconv.FormatInt(n, 10), nil
	}
	return "", specErr(where, "须为整数、{param: 参数名} 或整数列，当前为 %v", v)
}

// shift renders date + months + years + days + working days, in that
// order (a sentence's months, then the years of a bar period).
func (c *compiler) shift(where, date string, sh Shift, sign string, sc *scope) (string, error) {
	expr := date
	for _, part := range []struct {
		v    any
		unit string
	}{{sh.Months, "months"}, {sh.Years, "years"}, {sh.Days, "days"}} {
		if part.v == nil {
			continue
		}
		n, err := c.amount(where+"."+part.unit, part.v, sc)
		if err != nil {
			return "", err
		}
		n = sign + "(" + n + ")"
		if c.o.Dialect == store.Postgres {
			if part.unit == "days" {
				expr = "(" + expr + " + (" + n + ")::int)"
			} else {
				expr = "(" + expr + " + make_interval(" + part.unit + " => (" + n + ")::int))::date"
			}
		} else if part.unit == "days" {
			expr = "date(" + expr + ", (" + n + ") || ' days')"
		} else {
			// 'floor': 1-31 + 1 month is 28/29 February, as in PostgreSQL
			// and the civil-law rule, not 2/3 March.
			expr = "date(" + expr + ", (" + n + ") || ' " + part.unit + "', 'floor')"
		}
	}
	if sh.RollForward {
		if sh.WorkingDays != nil {
			return "", specErr(where, "roll_forward 不能与 working_days 同用（工作日期限本身不落在节假日）")
		}
		c.n++
		cr, cx := fmt.Sprintf("cr%d", c.n), fmt.Sprintf("cx%d", c.n)
		// The day itself when it is a working day, else the working day
		// after it (seq + 1); a day outside the loaded years stays as is.
		expr = fmt.Sprintf("COALESCE((SELECT %s.day FROM calendar_days %s JOIN calendar_days %s ON %s.day = %s WHERE %s.is_working_day = TRUE AND %s.working_day_seq = %s.working_day_seq + CASE WHEN %s.is_working_day THEN 0 ELSE 1 END), %s)",
			cr, cr, cx, cx, expr, cr, cr, cx, cx, expr)
	}
	if sh.WorkingDays != nil {
		n, err := c.amount(where+".working_days", sh.WorkingDays, sc)
		if err != nil {
			return "", err
		}
		n = sign + "(" + n + ")"
		c.n++
		wd, ws := fmt.Sprintf("wd%d", c.n), fmt.Sprintf("ws%d", c.n)
		// The N-th working day after D is the working day whose seq is D's
		// seq + N (calendar_days, DOMAIN.md §1.8); a day outside the
		// loaded years has no row, so the result is NULL — unknown, never
		// "in time" and never a lead.
		expr = fmt.Sprintf("(SELECT %s.day FROM calendar_days %s WHERE %s.is_working_day = TRUE AND %s.working_day_seq = (SELECT %s.working_day_seq FROM calendar_days %s WHERE %s.day = %s) + (%s))",
			wd, wd, wd, wd, ws, ws, ws, expr, n)
	}
	return expr, nil
}

func (c *compiler) param(where, name string) (operand, error) {
	pv, ok := c.params[name]
	if !ok {
		return operand{}, specErr(where, "参数「%s」未定义", name)
	}
	switch pv.p.Type {
	case ParamText:
		return operand{sql: quote(pv.str), typ: dataset.Text}, nil
	case ParamDate:
		return operand{sql: c.dateLit(pv.str), typ: dataset.Date}, nil
	case ParamMoney:
		return operand{sql: strconv.FormatInt(pv.num, 10), typ: dataset.Money}, nil
	default:
		return operand{sql: strconv.FormatInt(pv.num, 10), typ: dataset.Int}, nil
	}
}

// literal renders a constant of the given column type, checking it fits.
func (c *compiler) literal(where string, v any, t dataset.ColType) (string, error) {
	switch t.Family() {
	case "number":
		n, ok := toInt(v)
		if !ok {
			return "", specErr(where, "须为整数（金额以分计），当前为 %v", v)
		}
		return strconv.FormatInt(n, 10), nil
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return "", specErr(where, "须为 true 或 false，当前为 %v", v)
		}
		if b {
			return "TRUE", nil
		}
		return "FALSE", nil
	case "date":
		s, ok := v.(string)
		if d, err := tabular.ParseDate(s); !ok || err != nil || d.String() != s {
			return "", specErr(where, "须为日期 YYYY-MM-DD，当前为 %v", v)
		}
		return c.dateLit(s), nil
	default:
		switch x := v.(type) {
		case string:
			return quote(x), nil
		case int, int64, uint64:
			return quote(fmt.Sprint(x)), nil
		}
		return "", specErr(where, "须为文本，当前为 %v", v)
	}
}

func (c *compiler) dateLit(s string) string {
	if c.o.Dialect == store.Postgres {
		return "DATE " + quote(s)
	}
	return quote(s)
}

func quote(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (c *compiler) text(op operand) string {
	return "COALESCE(CAST(" + op.sql + " AS TEXT), '')"
}

func (c *compiler) subject(sc *scope) (string, error) {
	parts := make([]string, len(c.spec.Lead.Subject))
	for i, ref := range c.spec.Lead.Subject {
		op, err := c.column(fmt.Sprintf("lead.subject[%d]", i), ref, sc)
		if err != nil {
			return "", err
		}
		parts[i] = c.text(op)
	}
	return strings.Join(parts, " || '|' || "), nil
}

func (c *compiler) agency(sc *scope) (string, error) {
	if c.spec.Lead.Agency != "" {
		op, err := c.column("lead.agency", c.spec.Lead.Agency, sc)
		if err != nil {
			return "", err
		}
		if op.typ != dataset.Int {
			return "", specErr("lead.agency", "agency 须为单位ID列（如 p.agency_id）")
		}
		return op.sql, nil
	}
	op, err := c.column("lead.agency_code", c.spec.Lead.AgencyCode, sc)
	if err != nil {
		return "", err
	}
	if op.typ.Family() != "text" {
		return "", specErr("lead.agency_code", "agency_code 须为文本列")
	}
	return "(SELECT og.id FROM orgs og WHERE og.code = " + op.sql + ")", nil
}

var placeholderRe = regexp.MustCompile(`\{([^{}]+)\}`)

func (c *compiler) title(sc *scope) (string, error) {
	t := c.spec.Lead.Title
	var parts []string
	last := 0
	for _, m := range placeholderRe.FindAllStringSubmatchIndex(t, -1) {
		if m[0] > last {
			parts = append(parts, quote(t[last:m[0]]))
		}
		ref, filter, _ := strings.Cut(t[m[2]:m[3]], "|")
		op, err := c.column("lead.title", strings.TrimSpace(ref), sc)
		if err != nil {
			return "", err
		}
		switch filter {
		case "":
			parts = append(parts, c.text(op))
		case "yuan":
			if op.typ != dataset.Money {
				return "", specErr("lead.title", "|yuan 只能用于金额列")
			}
			if c.o.Dialect == store.Postgres {
				parts = append(parts, "COALESCE(to_char("+op.sql+" / 100.0, 'FM999999999990.00'), '')")
			} else {
				parts = append(parts, "COALESCE(printf('%.2f', "+op.sql+" / 100.0), '')")
			}
		default:
			return "", specErr("lead.title", "未知的格式「%s」（可用 yuan）", filter)
		}
		last = m[1]
	}
	if last < len(t) {
		parts = append(parts, quote(t[last:]))
	}
	return strings.Join(parts, " || "), nil
}

func (c *compiler) evidence(sc *scope) (string, error) {
	seen := map[string]bool{}
	var args []string
	for i, ref := range c.spec.Lead.Evidence {
		if seen[ref] {
			return "", specErr(fmt.Sprintf("lead.evidence[%d]", i), "证据列「%s」重复", ref)
		}
		seen[ref] = true
		op, err := c.column(fmt.Sprintf("lead.evidence[%d]", i), ref, sc)
		if err != nil {
			return "", err
		}
		args = append(args, quote(ref), op.sql)
	}
	if c.o.Dialect == store.Postgres {
		return "jsonb_build_object(" + strings.Join(args, ", ") + ")::text", nil
	}
	return "json_object(" + strings.Join(args, ", ") + ")", nil
}

func typeName(t dataset.ColType) string {
	switch t {
	case dataset.Text:
		return "文本"
	case dataset.Date:
		return "日期"
	case dataset.Money:
		return "金额"
	case dataset.Int:
		return "整数"
	case dataset.Bool:
		return "是否"
	case dataset.IDNo:
		return "身份证号"
	case dataset.USCC:
		return "统一社会信用代码"
	}
	return string(t)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" && x != "<nil>" {
			return x
		}
	}
	return ""
}
