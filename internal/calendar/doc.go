// Package calendar computes statutory deadlines for xingjian: civil dates, China's official working-day
// calendar (State Council holiday notices with their 调休 make-up days), the counting rules for periods of
// calendar days, working days and months, a catalogue of the periods the platform tracks with their legal
// basis ([Periods]), and the late-payment surcharge of 行政处罚法 第七十二条 ([Surcharge]).
//
// Everything is in Asia/Shanghai: a [Date] is a civil date with no time of day and no zone, and converts to
// instants only through [Date.Start], [Date.End], [FromTime] and [Today], all in [Location].
//
// # Data
//
// The holiday notices for 2024–2026 are embedded (holidays/, NateScarlet/holiday-cn, see holidays/SOURCE.md)
// and parsed at start-up into the calendar returned by [Default]. A new year's notice is added at run time with
// [Calendar.Load] (same JSON format; loading a year replaces it), without a release. A date in a year that has
// not been loaded is never guessed: every function that needs to know whether a day is worked returns an
// error matching [ErrNoData] (a [*NoDataError] naming the year). [Calendar.Covered] tells in advance.
//
// # Counting rules (docs DOMAIN.md §1.8)
//
//   - The start day is not counted (民事诉讼法 第八十五条第二款; 民法典 第二百零一条): a period of n days
//     starting on day S covers S+1 … S+n.
//   - Working-day periods ([WorkingDay]: the 2/3/5/7-day periods of 行政处罚法 第八十五条, the ≤ 10-day periods of
//     行政强制法 第六十九条, the 3/5/7/10-day periods of 行政复议法 第八十八条第二款, and rules that say
//     "工作日" outright) end on the n-th working day after the start. A working day is a Monday–Friday that
//     the notice does not give off, or a Saturday/Sunday the notice makes a make-up working day (调休上班).
//     Counting 调休 days as working days is ordinary administrative practice; DOMAIN.md records that an
//     official statement of it is unconfirmed.
//   - Calendar-day periods ([Day]) end on S+n; month periods ([Month]) end on the day of the same number n
//     months later, or on the last day of that month if it has no such day (民法典 第二百零二条: Jan 31 + 1
//     month = Feb 28/29). Either way, if that last day is not a working day the period ends on the first
//     working day after it (民事诉讼法 第八十五条第三款; 民法典 第二百零三条第一款).
//   - The last day ends at 24:00 (民法典 第二百零三条第二款): an act at instant t is in time iff
//     t.Before(due.End()).
//   - Periods counted back from an event ("举行听证的七日前", [Period.Before]) give the latest day to act: the
//     n-th working day, or the n-th calendar day, before the event, the event day not counted. They are not
//     moved off rest days: moving the day later would shorten the notice the law guarantees.
//
// # Decision: ordinary weekends roll forward too
//
// 民事诉讼法 第八十五条 and 民法典 第二百零三条 roll the end of a period past a "法定休假日". This package
// treats every rest day as one: notice holidays and ordinary Saturdays and Sundays, but not a Saturday or Sunday
// the notice makes a working day. Reasons:
//
//   - 民法通则 (1986) 第一百五十四条第三款, the rule 民法典 第二百零三条 replaced, read "期间的最后一天是星期日或者
//     其他法定休假日的，以休假日的次日为期间的最后一天": the weekly rest day is itself a 法定休假日. Since 1995
//     Saturday and Sunday are both weekly rest days (国务院关于职工工作时间的规定 第七条).
//   - The Supreme People's Court's 《关于贯彻执行〈中华人民共和国民法通则〉若干问题的意见（试行）》 (1988)
//     第198条第二款 added that where Sundays or other rest days are moved ("有变通的"), the period ends on the
//     day after the actual rest day; that is how 调休 is applied here: a make-up Saturday does not extend a
//     period, a weekday given off does.
//   - 行政复议法 第八十八条第二款 sets "工作日" against "法定休假日", i.e. a 法定休假日 is any day that is not a
//     working day.
//   - The same rule reaches administrative proceedings through 行政诉讼法 第一百零一条 and
//     行政复议法 第八十八条第一款, which apply the Civil Procedure Law's rules on periods, and it is how courts
//     count appeal and filing windows that end on a Saturday or Sunday in practice.
//
// Labour law uses "法定休假日" more narrowly (劳动法 第四十四条 separates it from 休息日); that reading does not
// govern procedural periods. 民法通则 and that 意见 were repealed with effect from 2021-01-01; they are cited
// as the source of the practice, not as law in force.
//
// # Concurrency
//
// A [*Calendar] is safe for concurrent use, including [Calendar.Load] while other goroutines compute
// deadlines: a computation sees the data either before or after the load, never a mixture. Loading into
// [Default] changes the answers of every caller in the process; tests should load into a [Calendar.Clone].
// Nothing in this package panics on any input.
package calendar
