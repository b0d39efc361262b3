// Package demo seeds a realistic demo district — 江州市青岚区, a fictional
// district with its procuratorate, justice bureau, court, petition bureau,
// rule-of-law office, 20 enforcement agencies and 4 town/street governments,
// and one user for every role — so a newcomer can log in and look around.
// All demo users have the password "demo". Seeding is idempotent.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/directory"
	"github.com/xingjian/xingjian/internal/ident"
	"github.com/xingjian/xingjian/internal/reference"
	"github.com/xingjian/xingjian/internal/store"
)

// Password is every demo user's password.
const Password = "demo"

// District is the demo district's name.
const District = "江州市青岚区"

// region is the GB/T 2260 code used in the demo orgs' credit codes.
const region = "440703"

// OrgSpec describes one demo org.
type OrgSpec struct {
	Code, Name, Kind string
	Domains          []string
	Parent           string // code of the parent org, "" for a root
}

// Orgs are the demo district's organisations.
var Orgs = []OrgSpec{
	{"QLJCY", "江州市青岚区人民检察院", auth.KindProcuratorate, nil, ""},
	{"QLSFJ", "江州市青岚区司法局", auth.KindJusticeBureau, nil, ""},
	{"QLFY", "江州市青岚区人民法院", auth.KindCourt, nil, ""},
	{"QLXFJ", "江州市青岚区信访局", auth.KindPetitionBureau, nil, ""},
	{"QLYFZQ", "中共江州市青岚区委全面依法治区委员会办公室", auth.KindRuleOfLawOffice, nil, ""},
	{"GAQL", "江州市公安局青岚分局", auth.KindAgency, []string{"public_security"}, ""},
	{"ZRZY", "江州市自然资源局青岚分局", auth.KindAgency, []string{"natural_resources"}, ""},
	{"STHJ", "江州市生态环境局青岚分局", auth.KindAgency, []string{"ecology"}, ""},
	{"SCJG", "江州市青岚区市场监督管理局", auth.KindAgency, []string{"market"}, ""},
	{"CGZF", "江州市青岚区城市管理和综合执法局", auth.KindAgency, []string{"urban", "housing"}, ""},
	{"YJGL", "江州市青岚区应急管理局", auth.KindAgency, []string{"emergency"}, ""},
	{"NYNC", "江州市青岚区农业农村局", auth.KindAgency, []string{"agriculture"}, ""},
	{"WSJK", "江州市青岚区卫生健康局", auth.KindAgency, []string{"health"}, ""},
	{"LYJ", "江州市青岚区林业局", auth.KindAgency, []string{"forestry"}, ""},
	{"MZJ", "江州市青岚区民政局", auth.KindAgency, []string{"civil_affairs"}, ""},
	{"RSJ", "江州市青岚区人力资源和社会保障局", auth.KindAgency, []string{"hrss"}, ""},
	{"JTYS", "江州市青岚区交通运输局", auth.KindAgency, []string{"transport"}, ""},
	{"SWU", "江州市青岚区水务局", auth.KindAgency, []string{"water"}, ""},
	{"ZJJ", "江州市青岚区住房和城乡建设局", auth.KindAgency, []string{"housing"}, ""},
	{"SWJ", "国家税务总局江州市青岚区税务局", auth.KindAgency, []string{"tax"}, ""},
	{"WGLT", "江州市青岚区文化广电旅游体育局", auth.KindAgency, []string{"culture_tourism"}, ""},
	{"JYJ", "江州市青岚区教育局", auth.KindAgency, []string{"education"}, ""},
	{"YBJ", "江州市青岚区医疗保障局", auth.KindAgency, []string{"medical_insurance"}, ""},
	{"XFJY", "江州市青岚区消防救援大队", auth.KindAgency, []string{"emergency"}, ""},
	{"YCZM", "江州市青岚区烟草专卖局", auth.KindAgency, []string{"market"}, ""},
	{"CDJD", "江州市青岚区城东街道办事处", auth.KindTownGovernment, []string{"comprehensive"}, ""},
	{"CXJD", "江州市青岚区城西街道办事处", auth.KindTownGovernment, []string{"comprehensive"}, ""},
	{"BSZ", "江州市青岚区白沙镇人民政府", auth.KindTownGovernment, []string{"comprehensive"}, ""},
	{"LWZ", "江州市青岚区龙湾镇人民政府", auth.KindTownGovernment, []string{"comprehensive"}, ""},
	{"GAQL-BS", "江州市公安局青岚分局白沙派出所", auth.KindAgency, []string{"public_security"}, "GAQL"},
}

// UserSpec describes one demo user.
type UserSpec struct {
	Username, Name, OrgCode, Role string
}

// fixedUsers are the named demo logins (the README lists them).
var fixedUsers = []UserSpec{
	{"admin", "系统管理员", "QLJCY", auth.RoleAdmin},
	{"prosecutor", "王志刚", "QLJCY", auth.RoleProsecutor},
	{"prosecutor2", "李晓梅", "QLJCY", auth.RoleProsecutor},
	{"depthead", "陈建国", "QLJCY", auth.RoleDeptHead},
	{"chief", "刘卫东", "QLJCY", auth.RoleChief},
	{"justice", "赵敏", "QLSFJ", auth.RoleJusticeOfficer},
	{"court", "周强", "QLFY", auth.RoleCourtLiaison},
	{"petition", "孙丽", "QLXFJ", auth.RolePetitionLiaison},
	{"leader", "吴国华", "QLYFZQ", auth.RoleLeader},
}

var liaisonNames = []string{"张伟", "黄婷", "林海", "何静", "郭磊", "罗娟", "梁勇", "宋佳", "郑涛", "谢芳", "韩冰", "唐宁",
	"冯涛", "于洋", "董丽", "萧然", "程亮", "曹雪", "袁杰", "邓超", "许诺", "傅强", "沈洁", "曾鹏"}

// Users returns every demo login: the fixed ones and agency01…agencyNN, one
// liaison per agency and town government in Orgs order.
func Users() []UserSpec {
	out := append([]UserSpec{}, fixedUsers...)
	n := 0
	for _, o := range Orgs {
		if o.Kind == auth.KindAgency || o.Kind == auth.KindTownGovernment {
			out = append(out, UserSpec{fmt.Sprintf("agency%02d", n+1), liaisonNames[n%len(liaisonNames)], o.Code, auth.RoleAgencyLiaison})
			n++
		}
	}
	return out
}

// USCC returns the demo credit code of the i-th org: category 11 (机关),
// a body derived from i, and valid GB 11714 and GB 32100 check characters.
func USCC(i int) string {
	return ident.MakeUSCC('1', '1', region, fmt.Sprintf("MB%06d", 100000+i*137))
}

const seededKey = "demo_seeded"

// ErrNotEmpty is returned when the database already holds orgs that are not
// the demo district's: demo data is never mixed into a real one.
var ErrNotEmpty = errors.New("数据库中已有机构数据，不能注入演示数据")

// Seed creates the demo district unless it is there already. It reports
// whether it created anything.
func Seed(ctx context.Context, db *store.DB) (bool, error) {
	var seeded bool
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return false, err
	}
	dir := directory.New(db)
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = ?", seededKey).Scan(&n); err != nil {
			return fmt.Errorf("demo: read settings: %w", err)
		}
		if n > 0 {
			return nil
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
			return fmt.Errorf("demo: count orgs: %w", err)
		}
		if n > 0 {
			return ErrNotEmpty
		}
		actor := audit.System("demo")
		now := time.Now().UnixMilli()
		ids := map[string]int64{}
		for i, o := range Orgs {
			var parent any
			if o.Parent != "" {
				parent = ids[o.Parent]
			}
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO orgs (code, name, kind, parent_id, uscc, uscc_valid, contact, phone, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, TRUE, ?, ?, ?, ?) RETURNING id`, o.Code, o.Name, o.Kind, parent, USCC(i),
				"办公室", fmt.Sprintf("0750-83%05d", 10000+i*311), now, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("demo: org %s: %w", o.Code, err)
			}
			ids[o.Code] = id
			for _, d := range o.Domains {
				if _, err := tx.ExecContext(ctx, "INSERT INTO org_domains (org_id, domain) VALUES (?, ?)", id, d); err != nil {
					return fmt.Errorf("demo: org %s domain %s: %w", o.Code, d, err)
				}
			}
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: fmt.Sprint(id),
				After: map[string]any{"code": o.Code, "name": o.Name, "kind": o.Kind, "domains": o.Domains}}); err != nil {
				return err
			}
		}
		for _, u := range Users() {
			orgID := ids[u.OrgCode]
			username, name, role := u.Username, u.Name, u.Role
			id, err := dir.InsertUserTx(ctx, tx, directory.UserInput{Username: &username, DisplayName: &name, OrgID: &orgID, Role: &role}, hash)
			if err != nil {
				return fmt.Errorf("demo: user %s: %w", u.Username, err)
			}
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: fmt.Sprint(id),
				After: map[string]any{"username": username, "display_name": name, "org_id": orgID, "role": role}}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?), (?, ?)",
			seededKey, time.Now().Format(time.RFC3339), "district_name", District); err != nil {
			return fmt.Errorf("demo: mark seeded: %w", err)
		}
		seeded = true
		return nil
	})
	if err == nil {
		// Reference material (discretion benchmarks, typical cases, news):
		// once, then marked in settings (a repeat call returns at once).
		err = reference.SeedDemo(ctx, db)
	}
	return seeded, err
}
