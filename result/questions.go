package result

import (
	"context"
	"strconv"

	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/voting"
)

// QuestionResult is one yes/no question's result. Abstentions count for
// neither side (voting.Passed).
type QuestionResult struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Rule    string `json:"rule"`
	Yes     int64  `json:"yes"`
	No      int64  `json:"no"`
	Abstain int64  `json:"abstain"`
	Passed  bool   `json:"passed"`
}

// ReasonInvalid marks every agenda of a vote that did not reach the
// minimum turnout: the ranking stands, nothing is selected.
const ReasonInvalid = "invalid"

// addQuestionsAndTurnout adds the questions' results, the turnout and
// the validity to r. A vote under the minimum turnout is invalid: the
// ranking is shown, but nothing is selected and nothing allocated. A
// question that fails does not touch the ranking (the dong decides what
// follows).
func addQuestionsAndTurnout(ctx context.Context, q assembly.Querier, a *assembly.Assembly, counts *voting.Counts, r *Result) error {
	qs, err := voting.FindQuestions(ctx, q, a.ID)
	if err != nil {
		return wrap("compute: questions", err)
	}
	r.Questions = make([]QuestionResult, 0, len(qs))
	for _, x := range qs {
		t := counts.QuestionTotal(x.ID)
		r.Questions = append(r.Questions, QuestionResult{ID: x.IDString(), Text: x.Text, Rule: x.Rule,
			Yes: t.Yes, No: t.No, Abstain: t.Abstain, Passed: voting.Passed(x.Rule, t.Yes, t.No)})
	}
	r.Turnout = voting.TurnoutOf(a, r.Ballots)
	r.Valid = r.Turnout.Met
	if !r.Valid {
		r.Allocated = 0
		for i := range r.Agendas {
			g := &r.Agendas[i]
			g.Selected, g.OverCap, g.Reason = false, false, ReasonInvalid
			g.Note, g.NoteEn = i18n.T("ko", "result.invalid_note"), i18n.T("en", "result.invalid_note")
		}
	}
	return nil
}

// Announce announces a valid vote (see announce). An invalid one (turnout
// under the minimum) needs AnnounceConfirmed.
func (s *Service) Announce(ctx context.Context, id int64, u *account.User) (*Result, error) {
	return s.announce(ctx, id, u, false)
}

// AnnounceConfirmed announces, confirming (confirmInvalid) that a vote
// under the minimum turnout is announced as invalid (무효 — 투표율 미달).
// The confirmation changes nothing for a valid vote.
func (s *Service) AnnounceConfirmed(ctx context.Context, id int64, u *account.User, confirmInvalid bool) (*Result, error) {
	return s.announce(ctx, id, u, confirmInvalid)
}

// QuestionLine is a question's line of the submission and the pages:
// "가결"/"부결" with the counts and the rule.
func QuestionLine(lang string, x QuestionResult) string {
	outcome := i18n.T(lang, "result.question_failed")
	if x.Passed {
		outcome = i18n.T(lang, "result.question_passed")
	}
	return i18n.T(lang, "result.question_line", x.Text, outcome, group(x.Yes), group(x.No), group(x.Abstain),
		i18n.T(lang, "result.question_rule_"+x.Rule))
}

// InvalidLine says why a vote is invalid, with its turnout.
func InvalidLine(lang string, t voting.Turnout) string {
	var pct, minPct float64
	if t.Percent != nil {
		pct = *t.Percent
	}
	if t.MinimumPercent != nil {
		minPct = *t.MinimumPercent
	}
	res := 0
	if t.Residents != nil {
		res = *t.Residents
	}
	return i18n.T(lang, "result.invalid_line", group(t.Ballots), group(int64(res)), pctText(pct), pctText(minPct))
}

// pctText writes a percentage without needless zeros: 0.5, 0.45, 12.
func pctText(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// InvalidText says on the results page why the vote is invalid.
func (p *ResultsPage) InvalidText() string { return InvalidLine(p.Lang, p.R.Turnout) }

// TurnoutMetText says that the turnout met the minimum.
func (p *ResultsPage) TurnoutMetText() string {
	t := p.R.Turnout
	var pct float64
	if t.Percent != nil {
		pct = *t.Percent
	}
	return i18n.T(p.Lang, "result.turnout_met", pctText(pct), pctText(*t.MinimumPercent))
}

// pabulibNotes are the Pabulib comment's words on what the file leaves
// out: the yes/no questions (the file carries the agenda vote only) and a
// vote under the minimum turnout.
func pabulibNotes(r *Result) []string {
	var out []string
	if len(r.Questions) > 0 {
		out = append(out, "This file carries only the agenda vote: the "+strconv.Itoa(len(r.Questions))+
			" yes/no question(s) voted on the same ballot are in the results (GET /api/v1/assemblies/{id}/results, questions), not here.")
	}
	if !r.Valid {
		out = append(out, "The vote did not reach the assembly's minimum turnout and is invalid: nothing was selected.")
	}
	return out
}
