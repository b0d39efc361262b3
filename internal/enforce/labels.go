package enforce

import (
	"context"
	"fmt"

	"github.com/xingjian/xingjian/internal/store"
)

// The Chinese labels of the record vocabulary, for exports and anything else
// people read: the one place in Go where they live. A code without a label is
// shown as it is.

// PartyKindLabels names the party kinds of the national 双公示 layout.
var PartyKindLabels = map[string]string{
	PartyLegalPerson:        "法人及非法人组织",
	PartyNaturalPerson:      "自然人",
	PartyIndividualBusiness: "个体工商户",
}

// ProcedureLabels names the procedures.
var ProcedureLabels = map[string]string{
	ProcedureSimple:   "简易程序",
	ProcedureOrdinary: "普通程序",
}

// FlagLabels says what each flag means.
var FlagLabels = map[string]string{
	FlagBadPartyUSCC:   "相对人统一社会信用代码校验位不符",
	FlagBadPartyID:     "相对人身份证号无效",
	FlagBadLegalRepID:  "法定代表人身份证号无效",
	FlagBadAgencyUSCC:  "处罚机关统一社会信用代码校验位不符",
	FlagConvertedID15:  "15 位旧身份证号已转为 18 位",
	FlagAgencyMismatch: "文件中的处罚机关代码与导入机构不一致",
}

func label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	return code
}

// PartyKindLabel is the Chinese name of a party kind ("" stays "").
func PartyKindLabel(code string) string { return label(PartyKindLabels, code) }

// ProcedureLabel is the Chinese name of a procedure ("" stays "").
func ProcedureLabel(code string) string { return label(ProcedureLabels, code) }

// FlagLabel is the Chinese meaning of a flag.
func FlagLabel(code string) string { return label(FlagLabels, code) }

// DomainNames maps the codes of the 执法领域 dictionary (the domains table)
// to their Chinese names.
func DomainNames(ctx context.Context, q store.Querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT code, name FROM domains")
	if err != nil {
		return nil, fmt.Errorf("enforce: domain names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, fmt.Errorf("enforce: domain names: %w", err)
		}
		out[code] = name
	}
	return out, rows.Err()
}
