package dataset_test

import (
	"testing"

	"github.com/xingjian/xingjian/internal/dataset"
)

// A coded value is named from the column's note; anything else is itself.
func TestValueName(t *testing.T) {
	c := dataset.Column{Name: "procedure", Values: []string{"simple", "ordinary"}, Note: "simple 简易程序；ordinary 普通程序"}
	for v, want := range map[string]string{"simple": "简易程序", "ordinary": "普通程序", "other": "other", "": ""} {
		if got := c.ValueName(v); got != want {
			t.Errorf("ValueName(%q) = %q, want %q", v, got, want)
		}
	}
	if got := (dataset.Column{Note: "simple 简易程序"}).ValueName("simple"); got != "simple" {
		t.Errorf("a column without closed values names nothing: %q", got)
	}
}
