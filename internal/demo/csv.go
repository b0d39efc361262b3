package demo

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/tabular"
)

// csvHeader is the national 双公示 layout (amounts in 元) followed by the
// supervision fields, as an agency exports them.
var csvHeader = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（元）",
	"没收违法所得、没收非法财物的金额（元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期",
	"处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
	"执法领域", "违法行为编码", "裁量等级", "程序类型", "立案日期", "送达日期", "缴款期限", "缴款日期",
	"是否告知听证", "是否告知救济途径", "移送公安日期", "移送回执号", "申请法院强制执行日期", "状态",
	"违法行为发生日期", "加处罚款金额（元）",
}

var partyKindText = map[string]string{
	enforce.PartyLegalPerson:        "法人及非法人组织",
	enforce.PartyNaturalPerson:      "自然人",
	enforce.PartyIndividualBusiness: "个体工商户",
}

var procedureText = map[string]string{enforce.ProcedureSimple: "简易程序", enforce.ProcedureOrdinary: "普通程序"}

// WriteCSV writes n generated demo penalties (see Generate) as one agency's
// UTF-8 CSV export in the national layout plus the supervision columns: a
// sample file for agencies and the input of the import benchmark. Every row
// passes validation; document numbers are unique.
func WriteCSV(w io.Writer, n int, seed int64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	rec := make([]string, len(csvHeader))
	date := func(d tabular.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	yuan := func(fen int64) string {
		if fen == 0 {
			return ""
		}
		return strconv.FormatFloat(float64(fen)/100, 'f', -1, 64)
	}
	yesNo := func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "是"
		}
		return "否"
	}
	_, err := Generate(n, seed, func(_ string, p *enforce.Penalty) error {
		rec = append(rec[:0],
			p.PartyName, partyKindText[p.PartyKind], p.PartyUSCC, p.PartyRegNo, p.PartyOrgCode, p.PartyTaxNo, p.PartyInstCert, p.PartySocCert,
			p.LegalRep, p.LegalRepIDType, p.LegalRepIDNo, p.PartyIDType, p.PartyIDNo,
			p.DocNo, p.ViolationType, p.Facts, p.LegalBasis, p.PenaltyKinds, p.PenaltyContent, yuan(p.FineFen), yuan(p.ConfiscateFen), p.LicenceAction,
			date(p.DecisionDate), date(p.ValidUntil), date(p.PublishUntil), p.AgencyName, p.AgencyUSCC, p.SourceName, p.SourceUSCC, p.Remarks,
			p.Domain, p.ViolationCode, p.DiscretionLevel, procedureText[p.Procedure], date(p.FiledDate), date(p.ServedDate),
			date(p.PaymentDueDate), date(p.PaidDate), yesNo(p.HearingNotice), yesNo(p.RemedyNotice), date(p.TransferDate),
			p.TransferReceipt, date(p.CourtApplyDate), p.Status, date(p.ActDate), yuan(p.SurchargeFen))
		return cw.Write(rec)
	})
	if err != nil {
		return fmt.Errorf("demo: write CSV: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
