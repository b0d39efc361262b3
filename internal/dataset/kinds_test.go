package dataset_test

import (
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/dataset"
)

func TestBuiltinKinds(t *testing.T) {
	ks, err := dataset.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var ref, enf int
	for _, k := range ks {
		if !k.Builtin {
			t.Errorf("%s: not marked built-in", k.Name)
		}
		if k.Enforcement {
			enf++
			continue
		}
		ref++
		if k.DateColumn == "" {
			t.Errorf("%s: no date column", k.Name)
		}
	}
	if ref != 13 || enf != 3 {
		t.Fatalf("built-in kinds: %d reference, %d enforcement; want 13 and 3", ref, enf)
	}
	// A caller may change what it got without changing the next caller's.
	ks[0].Columns[0].Name = "changed"
	again, _ := dataset.Builtin()
	if again[0].Columns[0].Name == "changed" {
		t.Fatal("Builtin shares its slices with callers")
	}
}

func goodKind() dataset.Kind {
	return dataset.Kind{
		Name: "vehicle_seizures", Label: "车辆扣押", Keys: []string{"plate_no"}, DateColumn: "seized_on",
		Columns: []dataset.Column{
			{Name: "plate_no", Label: "车牌号", Type: dataset.Text, Required: true},
			{Name: "owner_id_no", Label: "车主身份证号", Type: dataset.IDNo},
			{Name: "seized_on", Label: "扣押日期", Type: dataset.Date},
			{Name: "status", Label: "状态", Type: dataset.Text, Values: []string{"扣押中", "已返还"}},
		},
	}
}

func TestValidate(t *testing.T) {
	if err := dataset.Validate(goodKind()); err != nil {
		t.Fatalf("good kind refused: %v", err)
	}
	cases := []struct {
		name   string
		change func(k *dataset.Kind)
		want   string
	}{
		{"BadName", func(k *dataset.Kind) { k.Name = "Vehicle-Seizures" }, "数据集名称“Vehicle-Seizures”无效"},
		{"ShortName", func(k *dataset.Kind) { k.Name = "v" }, "无效"},
		{"EnforcementName", func(k *dataset.Kind) { k.Name = "penalties" }, "执法数据的保留名称"},
		{"NoLabel", func(k *dataset.Kind) { k.Label = " " }, "中文名称不能为空"},
		{"NoColumns", func(k *dataset.Kind) { k.Columns = nil; k.Keys = nil; k.DateColumn = "" }, "至少要有一列"},
		{"SystemColumn", func(k *dataset.Kind) { k.Columns[1].Name = "agency_id" }, "第 2 列（agency_id）：列名“agency_id”是系统列的保留名称"},
		{"FlagsColumn", func(k *dataset.Kind) { k.Columns[1].Name = "flags" }, "系统列的保留名称"},
		{"SQLWord", func(k *dataset.Kind) { k.Columns[1].Name = "order" }, "SQL 保留字"},
		{"BadColumnName", func(k *dataset.Kind) { k.Columns[1].Name = "1abc" }, "第 2 列（1abc）：列名无效"},
		{"DuplicateColumn", func(k *dataset.Kind) { k.Columns[3].Name = "plate_no" }, "第 4 列（plate_no）：列名与第 1 列重复"},
		{"DuplicateLabel", func(k *dataset.Kind) { k.Columns[3].Label = " 车牌号 " }, "中文列名“ 车牌号 ”与第 1 列重复"},
		{"SynonymClash", func(k *dataset.Kind) { k.Columns[3].Synonyms = []string{"扣押日期"} }, "同义表头“扣押日期”与第 3 列的表头重复"},
		{"UnknownType", func(k *dataset.Kind) { k.Columns[1].Type = "string" }, "第 2 列（owner_id_no）：类型“string”未知"},
		{"ValuesOnDate", func(k *dataset.Kind) { k.Columns[2].Values = []string{"a"} }, "只有文本（text）列可以限定取值范围"},
		{"ExprOnReference", func(k *dataset.Kind) { k.Columns[1].Expr = "{t}.plate_no" }, "只有执法数据可以定义计算列"},
		{"NoKeys", func(k *dataset.Kind) { k.Keys = nil }, "至少要指定一个标识列"},
		{"KeyNotColumn", func(k *dataset.Kind) { k.Keys = []string{"plate"} }, "标识列“plate”不是数据集的列"},
		{"DateNotColumn", func(k *dataset.Kind) { k.DateColumn = "seized" }, "日期列“seized”不是数据集的列"},
		{"DateNotDate", func(k *dataset.Kind) { k.DateColumn = "plate_no" }, "日期列“plate_no”的类型应为日期"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := goodKind()
			c.change(&k)
			err := dataset.Validate(k)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
			if !dataset.IsValidationError(err) {
				t.Fatalf("not a ValidationError: %T", err)
			}
		})
	}
	t.Run("ExprOnEnforcement", func(t *testing.T) {
		k := goodKind()
		k.Name, k.Enforcement = "penalties", true
		k.Columns[1].Expr = "{t}.plate_no"
		if err := dataset.Validate(k); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("EveryProblemListed", func(t *testing.T) {
		k := goodKind()
		k.Columns[1].Type = "x"
		k.Keys = []string{"nope"}
		err := dataset.Validate(k).(*dataset.ValidationError)
		if len(err.Problems) != 2 {
			t.Fatalf("problems: %q", err.Problems)
		}
	})
}

func TestParseKindRefusesUnknownField(t *testing.T) {
	_, err := dataset.ParseKind([]byte("name: abc\nlabel: 甲\nkey: [a]\ncolumns: [{name: a, label: 甲, type: text}]\n"))
	if err == nil || !strings.Contains(err.Error(), "YAML") {
		t.Fatalf("want a YAML error for the unknown field key, got %v", err)
	}
}
