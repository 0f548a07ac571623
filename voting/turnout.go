package voting

import (
	"context"
	"math"

	"maeul/assembly"
)

// Turnout is the share of the dong's residents who voted, against the
// assembly's minimum (issue 12). Residents, Percent and MinimumPercent are
// nil when the assembly did not set them; Met is then true.
type Turnout struct {
	Ballots        int64    `json:"ballots"`
	Residents      *int     `json:"residents"`
	Percent        *float64 `json:"percent"`
	MinimumPercent *float64 `json:"minimum_percent"`
	Met            bool     `json:"met"`
}

// TurnoutOf computes the turnout of ballots. The minimum is met when
// ballots × 100 ≥ minimum × residents: exactly at the minimum is met (the
// comparison allows for the float's rounding of the percent, e.g. 0.5).
func TurnoutOf(a *assembly.Assembly, ballots int64) Turnout {
	t := Turnout{Ballots: ballots, Residents: a.Residents, MinimumPercent: a.MinTurnoutPercent, Met: true}
	if a.Residents != nil && *a.Residents > 0 {
		p := math.Round(float64(ballots)*100/float64(*a.Residents)*1000) / 1000
		t.Percent = &p
		if a.MinTurnoutPercent != nil {
			need := *a.MinTurnoutPercent * float64(*a.Residents)
			t.Met = float64(ballots)*100 >= need-1e-9*math.Max(1, need)
		}
	}
	return t
}

// Needed is the least number of ballots that meets the minimum (0: none).
func (t Turnout) Needed() int64 {
	if t.Residents == nil || t.MinimumPercent == nil {
		return 0
	}
	need := *t.MinimumPercent * float64(*t.Residents) / 100
	n := int64(math.Ceil(need - 1e-9*math.Max(1, need)))
	return n
}

// Share is how far the ballots are toward the minimum, 0–100 (the
// projector's meter); 100 when there is no minimum.
func (t Turnout) Share() int {
	n := t.Needed()
	if n <= 0 {
		return 100
	}
	return int(min(100, t.Ballots*100/n))
}

// QuestionTally is one question's count: Yes, No, Abstain and Passed are
// left out while the assembly is sealed and open.
type QuestionTally struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Rule    string `json:"rule"`
	Yes     *int64 `json:"yes,omitempty"`
	No      *int64 `json:"no,omitempty"`
	Abstain *int64 `json:"abstain,omitempty"`
	Passed  *bool  `json:"passed,omitempty"`
}

// TallyQuestions lists an assembly's questions with their counts from c
// (nil counts when sealed).
func TallyQuestions(ctx context.Context, q assembly.Querier, assemblyID int64, c *Counts, sealed bool) ([]QuestionTally, error) {
	qs, err := FindQuestions(ctx, q, assemblyID)
	if err != nil {
		return nil, err
	}
	out := make([]QuestionTally, 0, len(qs))
	for _, x := range qs {
		qt := QuestionTally{ID: x.IDString(), Text: x.Text, Rule: x.Rule}
		if !sealed {
			t := c.QuestionTotal(x.ID)
			passed := Passed(x.Rule, t.Yes, t.No)
			qt.Yes, qt.No, qt.Abstain, qt.Passed = &t.Yes, &t.No, &t.Abstain, &passed
		}
		out = append(out, qt)
	}
	return out, nil
}
