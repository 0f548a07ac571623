package registration

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/voting"
	"maeul/web"
)

// KioskPage is the staffed tablet: a privacy screen with the staff's
// registration (or code) form, the large-type ballot, the receipt. The
// ballot is posted to POST /api/v1/ballots like every phone's; the code is
// held only in the page's memory.
type KioskPage struct {
	web.Page
	A       *assembly.Assembly
	Agendas []assembly.Agenda
	// Questions are the yes/no questions answered on the same ballot.
	Questions []voting.Question
	Token     string
	// Reset is how many seconds the receipt stays before the privacy
	// screen returns (?reset=, 3–60; 8 by default).
	Reset int
}

func kioskHeaders(c *fiber.Ctx) {
	c.Set("Cache-Control", "no-store")
	c.Set("Referrer-Policy", "no-referrer")
}

func (h *Handlers) kioskPage(c *fiber.Ctx) error {
	tok := c.Query("t")
	a, gs, qs, err := h.svc.KioskBallot(c.UserContext(), c.Params("slug"), tok)
	if err != nil {
		return err
	}
	p := KioskPage{Page: assembly.Page(c, a, i18n.T(web.Lang(c), "kiosk.title")+" · "+a.Dong), A: a, Agendas: gs,
		Questions: qs, Token: tok, Reset: 8}
	if r, err := strconv.Atoi(c.Query("reset")); err == nil {
		p.Reset = min(max(r, 1), 60)
	}
	p.NoIndex = true
	kioskHeaders(c)
	return h.env.Views.Render(c, "registration/kiosk", p)
}

// kioskRequest is the body of the kiosk's posts: its token and either a
// person to register or a code to start a ballot with.
type kioskRequest struct {
	Token     string `json:"t"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date"`
	Category  string `json:"category"`
	Code      string `json:"code"`
}

// kioskRegister is POST /k/{slug}/register: registers a person at the
// venue (onsite) and answers 201 {"code"} for the ballot that follows.
func (h *Handlers) kioskRegister(c *fiber.Ctx) error {
	var req kioskRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	kioskHeaders(c)
	_, r, err := h.svc.RegisterAtKiosk(c.UserContext(), c.Params("slug"), req.Token,
		Person{Name: req.Name, BirthDate: req.BirthDate, Category: req.Category})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"code": r.Code.Code})
}

// kioskCode is POST /k/{slug}/code: checks a registration's code (typed or
// scanned) without consuming it, so the ballot starts only for a code that
// can vote. Wrong codes count against the limits as on phones.
func (h *Handlers) kioskCode(c *fiber.Ctx) error {
	var req kioskRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	kioskHeaders(c)
	a, err := h.svc.KioskAssembly(c.UserContext(), c.Params("slug"), req.Token)
	if err != nil {
		return err
	}
	plain, _, err := h.voting.LookUpCode(c.UserContext(), a, req.Code)
	if err != nil {
		if ec := web.Normalize(err); ec.Key == "code.unknown" || ec.Key == "code.bad_symbol" {
			if w := h.voting.CountGuess(c.UserContext(), a.ID, web.ClientKey(c)); w > 0 {
				return tooMany(w)
			}
		}
		return err
	}
	return c.JSON(fiber.Map{"code": plain})
}

func tooMany(wait int) error {
	e := maeul.Errorf(maeul.ETOOMANY, "code.too_many", wait)
	e.RetryAfter = wait
	return e
}
