package supervise

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Shanghai is the zone schedules are read in: "0 2 * * *" is 02:00 Beijing
// time whatever the server's zone.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Schedule is a parsed cron expression.
type Schedule struct{ s cron.Schedule }

// ParseSchedule reads a standard five-field cron expression (minute hour
// day-of-month month day-of-week) or a descriptor such as @daily.
func ParseSchedule(expr string) (Schedule, error) {
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return Schedule{}, fmt.Errorf("定时表达式「%s」无效（须为五段 cron 格式，如「0 2 * * *」表示每天2点）：%v", expr, err)
	}
	return Schedule{s}, nil
}

// Next returns the first activation after t.
func (s Schedule) Next(t time.Time) time.Time { return s.s.Next(t.In(Shanghai)) }
