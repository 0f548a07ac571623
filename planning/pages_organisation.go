package planning

import (
	"errors"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// OrganisationPage is planning/organisation: 서식 2-3 as printed, and the
// dong's form.
type OrganisationPage struct {
	web.Page
	Year           int
	District, Dong string
	O              *Organisation
	Manage         bool
	V              map[string]string
	FormError      string
	FormField      string
	Saved          bool
	FileQuery      string
}

func (h *Handlers) organisationPage(c *fiber.Ctx) error {
	return h.renderOrganisation(c, nil, nil)
}

func (h *Handlers) renderOrganisation(c *fiber.Ctx, posted map[string]string, failed error) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.Query("year", c.FormValue("year")))
	if err != nil {
		return err
	}
	district, dong, err := readableDong(u, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	o, err := h.svc.Organisation(c.UserContext(), u, year, district, dong)
	if err != nil {
		return err
	}
	p := OrganisationPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "planning.org.title")), Year: year,
		District: district, Dong: dong, O: o, Manage: u.CanManage(district, dong), Saved: c.Query("done") == "saved"}
	p.NoIndex = true
	p.FileQuery = "year=" + strconv.Itoa(year) + "&district=" + url.QueryEscape(district) + "&dong=" + url.QueryEscape(dong)
	p.V = map[string]string{}
	if o != nil {
		p.V = map[string]string{"has_rep": onOff(o.HasRep), "rep_method": o.RepMethod, "has_board": onOff(o.HasBoard),
			"board_method": o.BoardMethod, "board_members": o.BoardMembers, "subcommittees": strings.Join(o.Subcommittees, "\n"),
			"rules_text": o.RulesText, "secretaries": strconv.Itoa(o.Secretaries), "secretary_role": o.SecretaryRole,
			"secretary_method": o.SecretaryMethod, "launch_date": o.LaunchDay()}
	}
	if posted != nil {
		p.V = posted
	}
	if failed != nil {
		var me *maeul.Error
		if !errors.As(failed, &me) || me.Code != maeul.EINVALID {
			return failed
		}
		p.FormError, p.FormField = web.Message(p.Lang, me), me.Field
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.env.Views.Render(c, "planning/organisation", p)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return ""
}

var orgFormKeys = []string{"has_rep", "rep_method", "has_board", "board_method", "board_members", "subcommittees",
	"rules_text", "secretaries", "secretary_role", "secretary_method", "launch_date"}

func (h *Handlers) saveOrganisation(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	posted := map[string]string{}
	for _, k := range orgFormKeys {
		posted[k] = c.FormValue(k)
	}
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return h.renderOrganisation(c, posted, err)
	}
	in := OrganisationInput{HasRep: posted["has_rep"] != "", RepMethod: posted["rep_method"], HasBoard: posted["has_board"] != "",
		BoardMethod: posted["board_method"], BoardMembers: posted["board_members"],
		Subcommittees: strings.FieldsFunc(posted["subcommittees"], func(r rune) bool { return r == '\n' || r == ',' }),
		RulesText:     posted["rules_text"], SecretaryRole: posted["secretary_role"], SecretaryMethod: posted["secretary_method"],
		Launch: posted["launch_date"], DropFile: c.FormValue("drop_file") != ""}
	if s := strings.TrimSpace(posted["secretaries"]); s != "" {
		if in.Secretaries, err = strconv.Atoi(s); err != nil {
			return h.renderOrganisation(c, posted, maeul.FieldErrorf(maeul.EINVALID, "secretaries", "planning.org.bad_secretaries"))
		}
	}
	if fh, err := c.FormFile("rules_file"); err == nil && fh.Size > 0 {
		if fh.Size > MaxRulesFile {
			return h.renderOrganisation(c, posted, maeul.FieldErrorf(maeul.EINVALID, "rules_file", "planning.org.file_too_big", MaxRulesFile>>20))
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxRulesFile+1))
		f.Close()
		if err != nil {
			return err
		}
		in.RulesFile, in.RulesFileName, in.RulesFileType = data, fh.Filename, fh.Header.Get("Content-Type")
	}
	if _, err := h.svc.SaveOrganisation(c.UserContext(), u, year, in); err != nil {
		return h.renderOrganisation(c, posted, err)
	}
	return c.Redirect("/host/organisation?year="+strconv.Itoa(year)+"&done=saved", fiber.StatusSeeOther)
}

// rulesFile sends the 운영규칙 file as an attachment (never rendered
// inline: it is whatever the dong uploaded).
func (h *Handlers) rulesFile(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	name, _, data, err := h.svc.RulesFile(c.UserContext(), account.CurrentUser(c), year, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	c.Set("Content-Type", "application/octet-stream")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Send(data)
}
