package voting

import (
	"testing"

	"maeul/assembly"
)

// A closed, unrevealed tally goes to projector links without any result:
// neither the agendas' numbers nor the questions' counts and verdicts.
func TestForProjectorCoversQuestions(t *testing.T) {
	n, yes := int64(3), true
	full := &Tally{State: assembly.StateClosed,
		Agendas:   []AgendaTally{{Votes: &n, Points: &n}},
		Questions: []QuestionTally{{ID: "1", Text: "계획 찬성", Yes: &n, No: &n, Abstain: &n, Passed: &yes}}}
	c := full.ForProjector()
	if c.Agendas[0].Votes != nil || c.Questions[0].Yes != nil || c.Questions[0].No != nil ||
		c.Questions[0].Abstain != nil || c.Questions[0].Passed != nil || c.Questions[0].Text != "계획 찬성" {
		t.Errorf("covered copy carries results: %+v %+v", c.Agendas[0], c.Questions[0])
	}
	if full.Questions[0].Yes == nil {
		t.Error("the hosts' tally lost its counts")
	}
	full.Revealed = true
	if full.ForProjector().Questions[0].Yes == nil {
		t.Error("revealed: the projector should show the counts")
	}
}
