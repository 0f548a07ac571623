package voting

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// ConsolePage is the host's assembly-day console.
type ConsolePage struct {
	web.Page
	A         *assembly.Assembly
	Stats     *Stats
	CanManage bool
	Flash     string
	Error     string
	Ballot    string
	MaxCodes  int
}

// flashes are the only messages a redirect may ask the console to show.
var flashes = map[string]string{
	"opened": "console.flash_opened", "closed": "console.flash_closed", "revoked": "console.flash_revoked",
}

func (s *Service) renderConsole(c *fiber.Ctx, a *assembly.Assembly, errMsg string) error {
	u := account.CurrentUser(c)
	st, err := s.Stats(c.UserContext(), a)
	if err != nil {
		return err
	}
	p := ConsolePage{Page: assembly.Page(c, a, i18n.T(web.Lang(c), "console.title")+" · "+a.Dong), A: a, Stats: st,
		CanManage: u.CanManage(a.District, a.Dong), Error: errMsg, Ballot: s.Env.BaseURL + "/v/" + a.Slug, MaxCodes: MaxCodes}
	p.NoIndex, p.Wide = true, true
	if k, ok := flashes[c.Query("done")]; ok {
		p.Flash = i18n.T(p.Lang, k, c.QueryInt("n"))
	}
	return s.Env.Views.Render(c, "voting/console", p)
}

func (s *Service) consolePage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	a, err := s.readable(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return s.renderConsole(c, a, "")
}

func consoleURL(id int64, done string, n int64) string {
	u := "/host/assemblies/" + strconv.FormatInt(id, 10) + "/console"
	if done != "" {
		u += "?done=" + done + "&n=" + strconv.FormatInt(n, 10)
	}
	return u
}

// consoleFail shows the console again with the message of a refused action.
func (s *Service) consoleFail(c *fiber.Ctx, id int64, err error) error {
	e := web.Normalize(err)
	if e.Code == maeul.EINTERNAL || e.Code == maeul.EUNAVAILABLE || e.Code == maeul.EFORBIDDEN || e.Code == maeul.ENOTFOUND && e.Key == "assembly.not_found" {
		return err
	}
	a, ferr := s.readable(c.UserContext(), account.CurrentUser(c), id)
	if ferr != nil {
		return ferr
	}
	c.Status(web.Status(e.Code))
	return s.renderConsole(c, a, web.Message(web.Lang(c), e))
}

func (s *Service) consoleOpen(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if _, err := s.Open(c.UserContext(), account.CurrentUser(c), id); err != nil {
		return s.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "opened", 0), fiber.StatusSeeOther)
}

func (s *Service) consoleClose(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") == "" {
		return s.consoleFail(c, id, maeul.FieldErrorf(maeul.EINVALID, "confirm", "console.confirm_close"))
	}
	r, err := s.Close(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return s.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "closed", r.Ballots), fiber.StatusSeeOther)
}

// consoleIssue issues codes and starts rendering their cards.
func (s *Service) consoleIssue(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("count")))
	u := account.CurrentUser(c)
	a, _, codes, err := s.IssueCodes(c.UserContext(), u, id, n, c.FormValue("channel"))
	if err != nil {
		return s.consoleFail(c, id, err)
	}
	j := s.startCards(u, a, c.FormValue("channel"), codes)
	return c.Redirect("/host/assemblies/"+a.IDString()+"/cards/"+j.id, fiber.StatusSeeOther)
}

func (s *Service) consoleRevoke(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	if b := c.FormValue("batch"); b != "" {
		bid := web.ParseID(b)
		if bid == 0 {
			return s.consoleFail(c, id, maeul.Errorf(maeul.ENOTFOUND, "code.no_batch"))
		}
		n, err := s.RevokeBatch(c.UserContext(), u, id, bid)
		if err != nil {
			return s.consoleFail(c, id, err)
		}
		return c.Redirect(consoleURL(id, "revoked", n), fiber.StatusSeeOther)
	}
	code := c.FormValue("code")
	if strings.TrimSpace(code) == "" {
		return s.consoleFail(c, id, maeul.FieldErrorf(maeul.EINVALID, "code", "code.revoke_what"))
	}
	if err := s.RevokeCode(c.UserContext(), u, id, code); err != nil {
		return s.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "revoked", 1), fiber.StatusSeeOther)
}

// PaperPage is the fast keyboard entry of paper ballots.
type PaperPage struct {
	web.Page
	A       *assembly.Assembly
	Agendas []assembly.Agenda
	Entries []PaperEntry
	Typed   string
	Error   string
	Saved   string
	Flash   string
	Count   int64
}

// paperFlashes are the only confirmations a redirect may ask the paper
// page to show.
var paperFlashes = map[string]string{"corrected": "paper.flash_corrected", "voided": "paper.flash_voided"}

// Money writes an amount in the page's language.
func (p PaperPage) Money(n int64) string { return money(p.Lang, n) }

func (s *Service) renderPaper(c *fiber.Ctx, id int64, typed, errMsg string) error {
	u := account.CurrentUser(c)
	a, err := s.managed(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	gs, err := assembly.FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	log, err := s.PaperLog(c.UserContext(), a, gs, 20)
	if err != nil {
		return err
	}
	p := PaperPage{Page: assembly.Page(c, a, i18n.T(web.Lang(c), "paper.title")+" · "+a.Dong), A: a, Agendas: gs, Entries: log,
		Typed: typed, Error: errMsg, Saved: c.Query("saved")}
	p.NoIndex = true
	if k, ok := paperFlashes[c.Query("done")]; ok {
		p.Flash = i18n.T(p.Lang, k)
	}
	s.Env.Pool.QueryRow(c.UserContext(), `SELECT count(*) FROM ballots WHERE assembly_id = $1 AND channel = 'paper'`, a.ID).Scan(&p.Count)
	return s.Env.Views.Render(c, "voting/paper", p)
}

func (s *Service) paperPage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	return s.renderPaper(c, id, "", "")
}

// paperFail shows the entry page again with the message and what was typed.
func (s *Service) paperFail(c *fiber.Ctx, id int64, typed string, err error) error {
	var e *maeul.Error
	if !errors.As(err, &e) || e.Code == maeul.EFORBIDDEN || e.Key == "assembly.not_found" {
		return err
	}
	c.Status(web.Status(e.Code))
	return s.renderPaper(c, id, typed, web.Message(web.Lang(c), e))
}

func (s *Service) paperEnter(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	typed := c.FormValue("numbers")
	u := account.CurrentUser(c)
	a, err := s.managed(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	gs, err := assembly.FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	refs, err := NumbersToRefs(typed, gs)
	if err == nil {
		_, err = s.EnterPaper(c.UserContext(), u, id, [][]AgendaRef{refs})
	}
	if err != nil {
		return s.paperFail(c, id, typed, err)
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"/paper?saved="+urlQuery(strings.Join(strings.Fields(typed), " ")), fiber.StatusSeeOther)
}

func (s *Service) paperCorrect(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	a, err := s.managed(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	gs, err := assembly.FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	refs, err := NumbersToRefs(c.FormValue("numbers"), gs)
	if err == nil {
		err = s.CorrectPaper(c.UserContext(), u, id, c.Params("ballot"), refs, false)
	}
	if err != nil {
		return s.paperFail(c, id, "", err)
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"/paper?done=corrected", fiber.StatusSeeOther)
}

func (s *Service) paperVoid(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := s.CorrectPaper(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), nil, true); err != nil {
		return s.paperFail(c, id, "", err)
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/paper?done=voided", fiber.StatusSeeOther)
}

func urlQuery(s string) string { return url.QueryEscape(s) }
