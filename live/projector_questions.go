package live

import (
	"strconv"

	"maeul/i18n"
	"maeul/voting"
	"maeul/web"
)

// TurnoutText says how far the ballots are from the assembly's minimum
// turnout (the projector's meter).
func (p ProjectorPage) TurnoutText() string {
	t := p.Tally.Turnout
	need := t.Needed()
	if t.Met {
		return i18n.T(p.Lang, "projector.turnout_min_met", web.Group(t.Ballots), web.Group(need))
	}
	return i18n.T(p.Lang, "projector.turnout_min_left", web.Group(t.Ballots), web.Group(need), web.Group(max(0, need-t.Ballots)))
}

// Pct writes a percentage without needless zeros (0.5, 1).
func (p ProjectorPage) Pct(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// QuestionCounts writes a question's counts, or that they are sealed.
func (p ProjectorPage) QuestionCounts(q voting.QuestionTally) string {
	if q.Yes == nil {
		return i18n.T(p.Lang, "projector.question_sealed")
	}
	return i18n.T(p.Lang, "projector.question_counts", web.Group(*q.Yes), web.Group(*q.No), web.Group(*q.Abstain))
}
