package server_test

import (
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// The year's timeline (package selection) learns the council's own steps
// from package planning, as the server wires them: once the dong files its
// organisation (서식 2-3), the step is done, no longer "not tracked".
func TestTimelineKnowsPlanningSteps(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	type tl struct {
		Steps []struct {
			Step   string  `json:"step"`
			DoneAt *string `json:"done_at"`
			State  string  `json:"state"`
		} `json:"steps"`
	}
	state := func() map[string]string {
		t.Helper()
		res := dong.API(t, "GET", "/api/v1/timeline/2026", nil)
		if res.Status != 200 {
			t.Fatalf("timeline: %d %s", res.Status, res.Body)
		}
		var got tl
		res.JSON(t, &got)
		out := map[string]string{}
		for _, s := range got.Steps {
			out[s.Step] = s.State
		}
		return out
	}
	before := state()
	for _, step := range []string{"organisation", "survey", "drafts", "reviews"} {
		if before[step] == "unknown" || before[step] == "" {
			t.Errorf("step %s has no source: %q", step, before[step])
		}
	}
	if before["organisation"] == "done" || before["organisation"] == "done_late" {
		t.Fatalf("organisation done before anything was filed: %v", before)
	}
	if r := dong.API(t, "PUT", "/api/v1/organisation?year=2026", map[string]any{"has_rep": true, "rep_method": "총회에서 호선",
		"subcommittees": []string{"환경분과"}, "rules_text": "운영규칙", "secretaries": 1, "launch_date": "2026-04-10"}); r.Status != 200 {
		t.Fatalf("organisation: %d %s", r.Status, r.Body)
	}
	if after := state(); after["organisation"] != "done" && after["organisation"] != "done_late" {
		t.Errorf("organisation after filing: %q", after["organisation"])
	}
}
