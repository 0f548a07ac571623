package registration

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/format"
	"maeul/i18n"
	"maeul/web"
)

// BoothsPage lists an assembly's early booths with a form for another.
type BoothsPage struct {
	web.Page
	A        *assembly.Assembly
	Booths   []Booth
	CanEdit  bool
	Error    string
	Place    string
	From, To string
}

func (h *Handlers) renderBooths(c *fiber.Ctx, id int64, p BoothsPage) error {
	u := account.CurrentUser(c)
	a, bs, err := h.svc.Booths(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	p.Page = assembly.Page(c, a, i18n.T(web.Lang(c), "registration.booths_title")+" · "+a.Dong)
	p.NoIndex = true
	p.A, p.Booths = a, bs
	p.CanEdit = u.CanManage(a.District, a.Dong) && boothsEditable(a) == nil
	return h.env.Views.Render(c, "registration/booths", p)
}

func (h *Handlers) boothsPage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	return h.renderBooths(c, id, BoothsPage{})
}

// localTime reads a datetime-local field as Seoul time.
func localTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", s, format.Seoul)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *Handlers) boothCreate(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	in := BoothInput{Place: c.FormValue("place"), StartsAt: localTime(c.FormValue("starts_at")), EndsAt: localTime(c.FormValue("ends_at"))}
	_, err = h.svc.CreateBooth(c.UserContext(), account.CurrentUser(c), id, in)
	if e := web.Normalize(err); err != nil && (e.Code == maeul.EINVALID || e.Code == maeul.ECONFLICT) {
		c.Status(web.Status(e.Code))
		return h.renderBooths(c, id, BoothsPage{Error: web.Message(web.Lang(c), e), Place: in.Place,
			From: c.FormValue("starts_at"), To: c.FormValue("ends_at")})
	}
	if err != nil {
		return err
	}
	return c.Redirect(c.Path(), fiber.StatusSeeOther)
}

func (h *Handlers) boothDelete(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	err = h.svc.DeleteBooth(c.UserContext(), account.CurrentUser(c), id, web.ParseID(c.Params("booth")))
	if e := web.Normalize(err); err != nil && e.Code == maeul.ECONFLICT {
		c.Status(fiber.StatusConflict)
		return h.renderBooths(c, id, BoothsPage{Error: web.Message(web.Lang(c), e)})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/assemblies/"+c.Params("id")+"/booths", fiber.StatusSeeOther)
}
