package tabular

// ValueError is a cell value that cannot be read as the type asked for.
// Error returns Reason, a complete Chinese sentence for the import report.
type ValueError struct {
	Value  string // the cell text as given
	Reason string
}

func (e *ValueError) Error() string { return e.Reason }

func valueErr(value, reason string) *ValueError { return &ValueError{Value: value, Reason: reason} }
