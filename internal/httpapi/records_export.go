package httpapi

import (
	"net/http"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/enforce"
)

// MaxExport bounds one XLSX export.
const MaxExport = 100_000

// exportHeader is the first row of the records export.
var exportHeader = []any{"决定日期", "执法机关", "处罚决定书文号", "行政相对人", "相对人类别", "相对人代码", "执法领域", "违法行为类型",
	"处罚类别", "罚款金额（元）", "程序", "存疑标记"}

// exportRecords writes the current filter's records as XLSX, page by page so
// memory stays flat. Codes are written as people read them: the Chinese
// labels of internal/enforce/labels.go and the domain dictionary's names.
func (s *Server) exportRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermRecordRead) {
		return apperr.Forbidden()
	}
	f, err := recordFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Before = enforce.SearchMaxLimit, nil
	domains, err := enforce.DomainNames(r.Context(), s.cfg.DB)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "执法记录"
	_ = x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	yuan, err := x.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	for col, width := range []float64{12, 24, 28, 30, 16, 22, 14, 24, 16, 14, 10, 36} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", exportHeader); err != nil {
		return err
	}
	row := 2
	for row-2 < MaxExport {
		items, _, next, err := enforce.Search(r.Context(), s.cfg.DB, p.Scope(), f)
		if err != nil {
			return err
		}
		for _, it := range items {
			if row-2 >= MaxExport {
				break
			}
			flags := make([]string, len(it.Flags))
			for i, fl := range it.Flags {
				flags[i] = enforce.FlagLabel(fl)
			}
			domain := it.Domain
			if name, ok := domains[domain]; ok {
				domain = name
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, []any{it.DecisionDate.String(), it.AgencyName, it.DocNo, it.PartyName, enforce.PartyKindLabel(it.PartyKind),
				it.PartyCode, domain, it.ViolationType, it.PenaltyKinds, excelize.Cell{StyleID: yuan, Value: float64(it.FineFen) / 100},
				enforce.ProcedureLabel(it.Procedure), strings.Join(flags, "；")}); err != nil {
				return err
			}
			row++
		}
		if next == "" {
			break
		}
		if f.Before, err = enforce.ParseCursor(next); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	// 执法记录.xlsx, with a plain name for old clients.
	w.Header().Set("Content-Disposition", `attachment; filename="records.xlsx"; filename*=UTF-8''%E6%89%A7%E6%B3%95%E8%AE%B0%E5%BD%95.xlsx`)
	return x.Write(w)
}
