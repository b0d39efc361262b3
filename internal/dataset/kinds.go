package dataset

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/xingjian/xingjian/internal/tabular"
)

//go:embed kinds/*.yaml
var kindFiles embed.FS

var (
	builtinOnce  sync.Once
	builtinKinds []Kind
	builtinErr   error
)

// Builtin returns the kinds embedded in the binary (reference kinds and the
// enforcement kinds), sorted by name, each marked Builtin. A broken embedded
// file is a programming error caught by the tests; it is returned, not
// panicked on, so a command can report it.
func Builtin() ([]Kind, error) {
	builtinOnce.Do(func() { builtinKinds, builtinErr = loadBuiltin(kindFiles) })
	if builtinErr != nil {
		return nil, builtinErr
	}
	out := make([]Kind, len(builtinKinds))
	for i, k := range builtinKinds {
		out[i] = k.clone()
	}
	return out, nil
}

func loadBuiltin(fsys fs.FS) ([]Kind, error) {
	names, err := fs.Glob(fsys, "kinds/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("dataset: list built-in kinds: %w", err)
	}
	var out []Kind
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("dataset: read %s: %w", n, err)
		}
		k, err := ParseKind(data)
		if err != nil {
			return nil, fmt.Errorf("dataset: %s: %w", n, err)
		}
		if want := strings.TrimSuffix(strings.TrimPrefix(n, "kinds/"), ".yaml"); k.Name != want {
			return nil, fmt.Errorf("dataset: %s names kind %q", n, k.Name)
		}
		k.Builtin = true
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ParseKind reads one kind from YAML (unknown fields refused, so a typo in a
// built-in file fails the tests instead of being ignored) and validates it.
func ParseKind(data []byte) (Kind, error) {
	var k Kind
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&k); err != nil {
		return Kind{}, fmt.Errorf("数据集定义不是有效的 YAML：%w", err)
	}
	if err := Validate(k); err != nil {
		return Kind{}, err
	}
	return k, nil
}

// clone copies k deep enough that a caller may change its slices.
func (k Kind) clone() Kind {
	k.Columns = slices.Clone(k.Columns)
	for i := range k.Columns {
		k.Columns[i].Synonyms = slices.Clone(k.Columns[i].Synonyms)
		k.Columns[i].Values = slices.Clone(k.Columns[i].Values)
	}
	k.Keys = slices.Clone(k.Keys)
	return k
}

// EnforcementNames are the names of the enforcement kinds and of their
// record kinds: no reference dataset may take them.
var EnforcementNames = []string{"penalties", "inspections", "measures", "penalty", "inspection", "measure"}

// reservedColumns are the system columns of every dataset table.
var reservedColumns = []string{"id", "agency_id", "batch_id", "content_hash", "flags", "created_at", "updated_at"}

// sqlReserved are words either engine refuses as a bare column name; the
// compiler writes names unquoted, so they are refused here.
var sqlReserved = map[string]bool{
	"all": true, "and": true, "any": true, "array": true, "as": true, "asc": true, "between": true, "both": true,
	"case": true, "cast": true, "check": true, "collate": true, "column": true, "constraint": true, "create": true,
	"current_date": true, "current_time": true, "current_timestamp": true, "current_user": true, "default": true,
	"deferrable": true, "delete": true, "desc": true, "distinct": true, "do": true, "drop": true, "else": true, "end": true,
	"except": true, "exists": true, "false": true, "fetch": true, "for": true, "foreign": true, "from": true, "grant": true,
	"group": true, "having": true, "in": true, "index": true, "initially": true, "insert": true, "intersect": true, "into": true,
	"is": true, "join": true, "leading": true, "limit": true, "localtime": true, "localtimestamp": true, "natural": true,
	"not": true, "null": true, "offset": true, "on": true, "only": true, "or": true, "order": true, "placing": true,
	"primary": true, "references": true, "returning": true, "select": true, "session_user": true, "set": true, "some": true,
	"symmetric": true, "table": true, "then": true, "to": true, "trailing": true, "true": true, "union": true, "unique": true,
	"update": true, "user": true, "using": true, "values": true, "variadic": true, "when": true, "where": true, "window": true,
	"with": true,
}

var (
	kindNameRE   = regexp.MustCompile(`^[a-z][a-z0-9_]{1,40}$`)
	columnNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)
)

// typeLabels are the Chinese names of the column types.
var typeLabels = map[ColType]string{
	Text: "文本", Date: "日期", Money: "金额", Int: "整数", Bool: "是/否", IDNo: "身份证号", USCC: "统一社会信用代码",
}

// Label is the Chinese name of the type.
func (t ColType) Label() string {
	if l, ok := typeLabels[t]; ok {
		return l
	}
	return string(t)
}

// ValidationError is a kind that may not be stored: every problem, each in
// Chinese naming the spot ("第 3 列（charge）：类型“txt”未知").
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	return "数据集定义有误：" + strings.Join(e.Problems, "；")
}

// IsValidationError reports whether err is (or wraps) a *ValidationError.
func IsValidationError(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}

// Validate checks a kind before anything is stored or created: its name, its
// columns (names, labels, types, closed lists, expressions), its identity
// keys and its date column. The error is a *ValidationError listing every
// problem in Chinese.
func Validate(k Kind) error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	switch {
	case k.Name == "":
		add("数据集名称不能为空")
	case !kindNameRE.MatchString(k.Name):
		add("数据集名称“%s”无效：应以小写字母开头，只含小写字母、数字和下划线，共 2–41 个字符", k.Name)
	case !k.Enforcement && slices.Contains(EnforcementNames, k.Name):
		add("数据集名称“%s”是执法数据的保留名称", k.Name)
	case !k.Enforcement && sqlReserved[k.Name]:
		add("数据集名称“%s”是 SQL 保留字", k.Name)
	}
	if strings.TrimSpace(k.Label) == "" {
		add("数据集中文名称不能为空")
	}
	if len(k.Columns) == 0 {
		add("数据集至少要有一列")
	}
	if len(k.Columns) > 200 {
		add("数据集最多 200 列，当前 %d 列", len(k.Columns))
	}

	names := map[string]int{}  // column name → 1-based position
	labels := map[string]int{} // normalised header text → 1-based position
	for i, c := range k.Columns {
		at := fmt.Sprintf("第 %d 列（%s）", i+1, c.Name)
		if c.Name == "" {
			at = fmt.Sprintf("第 %d 列", i+1)
		}
		switch {
		case c.Name == "":
			add("%s：列名不能为空", at)
		case !columnNameRE.MatchString(c.Name):
			add("%s：列名无效，应以小写字母开头，只含小写字母、数字和下划线，最多 41 个字符", at)
		case slices.Contains(reservedColumns, c.Name):
			add("%s：列名“%s”是系统列的保留名称（%s）", at, c.Name, strings.Join(reservedColumns, "、"))
		case sqlReserved[c.Name]:
			add("%s：列名“%s”是 SQL 保留字", at, c.Name)
		default:
			if prev, dup := names[c.Name]; dup {
				add("%s：列名与第 %d 列重复", at, prev)
			} else {
				names[c.Name] = i + 1
			}
		}
		if strings.TrimSpace(c.Label) == "" {
			add("%s：中文列名（表头）不能为空", at)
		}
		for j, h := range append([]string{c.Label}, c.Synonyms...) {
			key := strings.ToLower(tabular.NormalizeHeader(h))
			if key == "" {
				if j > 0 {
					add("%s：同义表头不能为空", at)
				}
				continue
			}
			if prev, dup := labels[key]; dup && prev != i+1 {
				if j == 0 {
					add("%s：中文列名“%s”与第 %d 列重复", at, c.Label, prev)
				} else {
					add("%s：同义表头“%s”与第 %d 列的表头重复", at, h, prev)
				}
			} else {
				labels[key] = i + 1
			}
		}
		if !c.Type.Valid() {
			add("%s：类型“%s”未知，应为 text、date、money、int、bool、id_no 或 uscc", at, c.Type)
		}
		if len(c.Values) > 0 && c.Type != Text {
			add("%s：只有文本（text）列可以限定取值范围", at)
		}
		seen := map[string]bool{}
		for _, v := range c.Values {
			if strings.TrimSpace(v) == "" {
				add("%s：取值范围中有空值", at)
			} else if seen[v] {
				add("%s：取值“%s”重复", at, v)
			}
			seen[v] = true
		}
		if c.Expr != "" && !k.Enforcement {
			add("%s：只有执法数据可以定义计算列（expr）", at)
		}
	}

	if len(k.Keys) == 0 && !k.Enforcement {
		add("至少要指定一个标识列（keys）")
	}
	seenKey := map[string]bool{}
	for _, key := range k.Keys {
		i, ok := names[key]
		switch {
		case !ok:
			add("标识列“%s”不是数据集的列", key)
		case seenKey[key]:
			add("标识列“%s”重复", key)
		case k.Columns[i-1].Expr != "":
			add("标识列“%s”是计算列", key)
		}
		seenKey[key] = true
	}
	if len(k.Keys) > 5 {
		add("标识列最多 5 个")
	}
	if k.DateColumn != "" {
		if i, ok := names[k.DateColumn]; !ok {
			add("日期列“%s”不是数据集的列", k.DateColumn)
		} else if k.Columns[i-1].Type != Date {
			add("日期列“%s”的类型应为日期（date）", k.DateColumn)
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

// IsKey reports whether the named column is one of the kind's keys.
func (k Kind) IsKey(name string) bool { return slices.Contains(k.Keys, name) }
