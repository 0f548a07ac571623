package council

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// RuleView is a rule as the page shows it: the rule, the numbers, and ✓/✗
// with a word (never colour alone).
type RuleView struct {
	Label, Detail string
	OK            bool
	Exempt        bool // a 찾동 마을계획단: shown as exempt, not as failing
}

func thisYear() int { return time.Now().In(web.Seoul).Year() }

// parseYear reads a plan year; empty means this year.
func parseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return thisYear(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 2000 || y > 2100 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "council.err.year")
	}
	return y, nil
}

// ruleViews words the rules checked on r's counts.
func ruleViews(lang string, r *Roster, rs []Rule) []RuleView {
	t := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	pct := func(x Rule) string { return x.PctText() }
	vs := []RuleView{
		{Label: t("council.rule.members", MinMembers), Detail: t("council.rule.members_have", r.Total)},
		{Label: t("council.rule.gender", MaxGenderPct), Detail: t("council.rule.gender_have", r.Male, r.Female, pct(rs[1]))},
		{Label: t("council.rule.general", MinNonOfficials), Detail: t("council.rule.general_have", r.General, r.Total, pct(rs[2]))},
		{Label: t("council.rule.young", r.PlanYear-YoungAgeInclusive, MinYoungPct), Detail: t("council.rule.young_have", r.Age39, r.Total, pct(rs[3]))},
	}
	for i := range vs {
		vs[i].OK, vs[i].Exempt = rs[i].OK, rs[i].Exempt
	}
	return vs
}

func urlQuery(s string) string { return url.QueryEscape(s) }
