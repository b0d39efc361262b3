package calendar

// Embedded returns a new calendar holding only the holiday files embedded in the binary (holidays/*.json),
// whatever has been loaded into [Default] since start. It is the base a database's calendar is built on
// (package caldb adds the years loaded at run time), so one process serving several databases, as tests do,
// never carries one database's loaded years into another's.
func Embedded() *Calendar { return mustEmbedded() }
