package districtplan

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// voteBody is the JSON (and form) of a district's vote.
type voteBody struct {
	StartsAt        string `json:"starts_at"`
	EndsAt          string `json:"ends_at"`
	Place           string `json:"place"`
	MaxChoices      int    `json:"max_choices"`
	CommitteeWeight int    `json:"committee_weight"`
}

func (b voteBody) input() (VoteInput, error) {
	in := VoteInput{Place: b.Place, MaxChoices: b.MaxChoices, CommitteeWeight: b.CommitteeWeight}
	for _, f := range []struct {
		dst  *time.Time
		name string
		v    string
	}{{&in.StartsAt, "starts_at", b.StartsAt}, {&in.EndsAt, "ends_at", b.EndsAt}} {
		v := strings.TrimSpace(f.v)
		if v == "" {
			continue // the assembly's check names the missing time
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02T15:04", v, seoul); err != nil {
				return in, maeul.FieldErrorf(maeul.EINVALID, f.name, "dp.err.bad_date")
			}
		}
		*f.dst = t
	}
	return in, nil
}

func (h *Handlers) apiCreateVote(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b voteBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	v, err := h.svc.CreateVote(c.UserContext(), account.CurrentUser(c), y, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *Handlers) apiScores(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct {
		Scores map[string]float64 `json:"scores"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	scores := map[int64]float64{}
	for k, v := range b.Scores {
		scores[web.ParseID(k)] = v
	}
	if err := h.svc.SetScores(c.UserContext(), account.CurrentUser(c), y, scores); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

func (h *Handlers) apiWeighted(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Weighted(c.UserContext(), account.CurrentUser(c), y, districtParam(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"vote": res.Vote, "ballots": res.Ballots, "rows": res.Rows,
		"formula": formula(web.Lang(c), res.Vote)})
}

// formula is the combination written out, as the results print it.
func formula(lang string, v *Vote) string {
	if lang == "en" {
		return "final = committee score × " + strconv.Itoa(v.CommitteeWeight) + "% + residents' share × " + strconv.Itoa(v.ResidentWeight) + "%"
	}
	return "최종 점수 = 위원회 점수 × " + strconv.Itoa(v.CommitteeWeight) + "% + 주민 득표율 × " + strconv.Itoa(v.ResidentWeight) + "%"
}

func (h *Handlers) votePost(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	b := voteBody{StartsAt: c.FormValue("starts_at"), EndsAt: c.FormValue("ends_at"), Place: c.FormValue("place")}
	b.MaxChoices, _ = strconv.Atoi(c.FormValue("max_choices"))
	b.CommitteeWeight, _ = strconv.Atoi(c.FormValue("committee_weight"))
	in, err := b.input()
	if err == nil {
		_, err = h.svc.CreateVote(c.UserContext(), account.CurrentUser(c), y, in)
	}
	return h.formDone(c, y, districtParam(c), err, "vote")
}

func (h *Handlers) scoresPost(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	scores := map[int64]float64{}
	args := c.Request().PostArgs()
	args.VisitAll(func(k, v []byte) {
		if id, ok := strings.CutPrefix(string(k), "score_"); ok && strings.TrimSpace(string(v)) != "" {
			f, ferr := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
			if ferr != nil {
				f = -1 // refused by the service with the reason
			}
			scores[web.ParseID(id)] = f
		}
	})
	err = h.svc.SetScores(c.UserContext(), account.CurrentUser(c), y, scores)
	return h.formDone(c, y, districtParam(c), err, "scores")
}
