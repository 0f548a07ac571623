package assembly

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// Page is web.NewPage for a page about assembly a: it marks every page of
// a rehearsal copy with the 리허설 banner.
func Page(c *fiber.Ctx, a *Assembly, title string) web.Page {
	p := web.NewPage(c, title)
	p.Rehearsal = a != nil && a.IsRehearsal()
	return p
}

// publicAssembly loads the assembly of the URL's :slug for a public page.
// A draft is ENOTFOUND for everyone but the hosts who may read it; for them
// preview is true.
func (h *Handlers) publicAssembly(c *fiber.Ctx) (a *Assembly, preview bool, err error) {
	a, err = h.svc.FindAssemblyBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, false, err
	}
	if a.Public() {
		return a, false, nil
	}
	if account.CurrentUser(c).CanRead(a.District, a.Dong) {
		return a, true, nil
	}
	return nil, false, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
}

// MethodText explains the voting method in plain words.
func MethodText(lang string, a *Assembly) string {
	switch a.Method {
	case MethodApproval:
		return i18n.T(lang, "booklet.method.approval", a.MaxChoices)
	case MethodRanked:
		return i18n.T(lang, "booklet.method.ranked", a.MaxChoices, a.MaxChoices)
	case MethodBudget:
		return i18n.T(lang, "booklet.method.budget", web.Money(lang, a.BudgetCap))
	}
	return ""
}

// BudgetText compares the agendas' total cost with the dong's cap in words,
// and reports whether the total is over it.
func BudgetText(lang string, total, limit int64) (string, bool) {
	switch {
	case total > limit:
		return i18n.T(lang, "booklet.budget.over", web.Money(lang, total), web.Money(lang, limit), web.Money(lang, total-limit)), true
	case total == limit:
		return i18n.T(lang, "booklet.budget.equal", web.Money(lang, total), web.Money(lang, limit)), false
	}
	return i18n.T(lang, "booklet.budget.under", web.Money(lang, total), web.Money(lang, limit), web.Money(lang, limit-total)), false
}

// timeRange writes a from–to range in Seoul time: the end's date is left
// out when both fall on the same day (2027. 7. 15.(목) 14:00 ~ 17:00).
func timeRange(lang string, from, to time.Time) string {
	f, t := from.In(web.Seoul), to.In(web.Seoul)
	if f.Year() == t.Year() && f.YearDay() == t.YearDay() {
		return web.FormatDateTime(lang, f) + " ~ " + web.FormatTime(t)
	}
	return web.FormatDateTime(lang, f) + " ~ " + web.FormatDateTime(lang, t)
}
