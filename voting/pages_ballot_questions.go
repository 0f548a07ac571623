package voting

import (
	"github.com/gofiber/fiber/v2"
)

// BallotQuestion is one yes/no question as the ballot shows it.
type BallotQuestion struct {
	ID     string
	Number int
	Text   string
	Rule   string
	Answer string // yes, no, abstain or "" (not answered yet)
}

// Answers are the three answers, in the order the ballot offers them.
func (BallotQuestion) Answers() []string { return []string{AnswerYes, AnswerNo, AnswerAbstain} }

func ballotQuestions(bi *ballotInfo) []BallotQuestion {
	var out []BallotQuestion
	for i, q := range bi.rules.Questions {
		out = append(out, BallotQuestion{ID: q.IDString(), Number: i + 1, Text: q.Text, Rule: q.Rule})
	}
	return out
}

// Exact reports whether the ballot asks for exactly N choices ("3개를
// 고르세요"); AtLeast is the least number when it asks for a range.
func (p BallotPage) Exact() bool { return p.A.ExactChoices() }

// AtLeast is the least number of choices when more than one is required
// and fewer than the most (0 otherwise).
func (p BallotPage) AtLeast() int {
	if p.Budget() || p.A.ExactChoices() || p.A.MinChoices <= 1 {
		return 0
	}
	return p.A.MinChoices
}

// formAnswers reads the answers of a ballot form: "answer_<question id>"
// (radio buttons on the choose step, hidden fields on the confirm step),
// from the POST body only.
func formAnswers(c *fiber.Ctx, bi *ballotInfo) map[string]string {
	if len(bi.rules.Questions) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, q := range bi.rules.Questions {
		if v := bodyValue(c, "answer_"+q.IDString()); v != "" {
			out[q.IDString()] = v
		}
	}
	return out
}

// fillAnswers marks the answers given on the page.
func (p *BallotPage) fillAnswers(answers map[string]string) {
	for i := range p.Questions {
		switch a := answers[p.Questions[i].ID]; a {
		case AnswerYes, AnswerNo, AnswerAbstain:
			p.Questions[i].Answer = a
		}
	}
}

// paperQuestions are the questions on the paper desk's form, with the
// answers of a refused form kept.
func paperQuestions(c *fiber.Ctx, qs []Question) []BallotQuestion {
	var out []BallotQuestion
	for i, q := range qs {
		bq := BallotQuestion{ID: q.IDString(), Number: i + 1, Text: q.Text, Rule: q.Rule}
		if c.Method() == fiber.MethodPost {
			switch a := c.FormValue("answer_" + bq.ID); a {
			case AnswerYes, AnswerNo, AnswerAbstain:
				bq.Answer = a
			}
		}
		out = append(out, bq)
	}
	return out
}

// paperAnswers reads the answers of the paper desk's form
// ("answer_<question id>"); nil when it has none.
func paperAnswers(c *fiber.Ctx) map[string]string {
	var out map[string]string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if len(k) > 7 && string(k[:7]) == "answer_" {
			if out == nil {
				out = map[string]string{}
			}
			out[string(k[7:])] = string(v)
		}
	})
	return out
}
