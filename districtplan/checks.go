package districtplan

import (
	"strconv"

	"maeul/format"
)

// The limits of the guideline (Ⅲ 추진개요, Ⅳ-1 계획 수립 가이드라인).
const (
	GrantCap       = 1_000_000_000 // 10억원 a year
	IntegrationCap = 200_000_000   // 통합비용 2억원
	// SectoralShare: at least 70 % of the city grant goes to 부문별 사업비.
	SectoralSharePct = 70
	// PrivateSharePct: at least 70 % of the 협치○○구회의 are 민간.
	PrivateSharePct = 70
	MaxCommittee    = 10 // 협의조정위원회: 10인 이내
	MaxRounds       = 3  // 본 협의조정: 최대 3차
)

// Check is one computed condition, shown with its figures.
type Check struct {
	Key  string `json:"key"`
	OK   bool   `json:"ok"`
	Note string `json:"note,omitempty"` // figures, e.g. "14/20 = 70.0%"
}

// AtLeastPct reports part ≥ pct % of whole, in integers (exact at the
// boundary: 7 of 10 is 70 %).
func AtLeastPct(part, whole int64, pct int64) bool {
	return whole > 0 && part*100 >= whole*pct
}

// ApplicationChecks are the entry conditions (신청 필수 요건) of an
// application: a 수립계획서 filed and coordinated before the application
// deadline, the two councils' agreement, the roster's 민간 share, and a
// TFT standing in is said so.
func ApplicationChecks(a *Application) []Check {
	due := ScheduleOf(a.Year).ApplicationDue
	filedOnTime := a.PlanFiled && a.PlanFiledOn != nil && !format.Late(due, *a.PlanFiledOn)
	priv, total := a.PrivateShare()
	return []Check{
		{Key: "plan_filed", OK: filedOnTime},
		{Key: "councils_agreed", OK: a.CouncilsAgreed},
		{Key: "private_share", OK: AtLeastPct(int64(priv), int64(total), PrivateSharePct), Note: ratioNote(int64(priv), int64(total))},
		{Key: "council_formed", OK: !a.TFTStanding},
	}
}

// PlanChecks are the guideline's conditions on a version of the plan.
func PlanChecks(v *Version) []Check {
	sectoral := v.SectoralTotal()
	return []Check{
		{Key: "basic_plan", OK: v.BasicPlan != ""},
		{Key: "action_plan", OK: v.Institutional != "" && len(v.Projects) > 0},
		{Key: "pb_support", OK: v.PBSupport != ""},
		{Key: "next_year", OK: v.NextYear != ""},
		{Key: "sectoral_share", OK: AtLeastPct(sectoral, v.CityGrant, SectoralSharePct) && sectoral <= v.CityGrant,
			Note: ratioNote(sectoral, v.CityGrant)},
		{Key: "grant_cap", OK: v.CityGrant > 0 && v.CityGrant <= GrantCap},
		{Key: "integration_cap", OK: v.IntegrationCost <= IntegrationCap},
		{Key: "proposals", OK: v.ProposalsNote != ""},
	}
}

// AllOK reports whether every check passed.
func AllOK(cs []Check) bool {
	for _, c := range cs {
		if !c.OK {
			return false
		}
	}
	return true
}

func ratioNote(part, whole int64) string {
	if whole <= 0 {
		return format.Group(part) + "/0"
	}
	tenths := part * 1000 / whole
	return format.Group(part) + "/" + format.Group(whole) + " = " + strconv.FormatInt(tenths/10, 10) + "." +
		strconv.FormatInt(tenths%10, 10) + "%"
}

// Checklist items of the 협의조정 (사전 협의조정 검토 사항; 본 협의조정 adds
// the follow-up of the first round's points).
var Checklist = []string{"private_share", "both_plans", "forums", "guideline", "diversity", "procedures", "spending", "prior_actions"}
