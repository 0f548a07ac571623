package council

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// ApplicationPage is the data of council/application (서식 2-1).
type ApplicationPage struct {
	web.Page
	District, Dong string
	Year           int
	Roster         *Roster
	Rules          []RuleView
	BackLink       string
	// Members fills the form's member list (구성원 명단) when the names are
	// kept; phone and signature are left blank for the paper.
	Members []Member
}

func (h *Handlers) applicationPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	district, dong, ok, err := ReadableDong(u, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	if !ok {
		return maeul.FieldErrorf(maeul.EINVALID, "dong", "council.err.need_dong")
	}
	sh, err := h.svc.Sheet(c.UserContext(), district, dong, year)
	if err != nil {
		return err
	}
	p := ApplicationPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "roster.app.title")),
		District: district, Dong: dong, Year: year, Roster: sh.Roster, Members: sh.Members}
	p.NoIndex = true
	p.Rules = ruleViews(p.Lang, sh.Roster, sh.Rules)
	p.BackLink = "/host/council?year=" + strconv.Itoa(year)
	if u.Role != account.RoleDong {
		p.BackLink += "&district=" + urlQuery(district) + "&dong=" + urlQuery(dong)
	}
	return h.env.Views.Render(c, "council/application", p)
}
