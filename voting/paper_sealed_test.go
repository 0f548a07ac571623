package voting_test

import (
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// TestPaperLogSealed: while a sealed vote is open, the paper-ballot log
// (choices, staff, times) is an empty list with a note for district and city
// hosts; the dong's host still sees every entry, and once the vote closes
// so does everyone who may read the assembly.
func TestPaperLogSealed(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{Sealed: true}, true)
	if r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(0), v.ids(1)}}); r.Status != 201 {
		t.Fatalf("enter: %d %s", r.Status, r.Body)
	}
	district := v.e.NewHost(t, account.RoleDistrict, v.a.District, "")
	city := v.e.NewHost(t, account.RoleCity, "", "")
	type answer struct {
		Entries []map[string]any `json:"entries"`
		Hidden  bool             `json:"hidden"`
		Note    string           `json:"note"`
	}
	read := func(h *servertest.Host) answer {
		t.Helper()
		r := h.API(t, "GET", v.path("/paper"), nil)
		if r.Status != 200 {
			t.Fatalf("paper log: %d %s", r.Status, r.Body)
		}
		var a answer
		r.JSON(t, &a)
		return a
	}
	if a := read(v.host); len(a.Entries) == 0 || a.Hidden {
		t.Errorf("dong host: %+v, want the entries", a)
	}
	for name, h := range map[string]*servertest.Host{"district": district, "city": city} {
		if a := read(h); len(a.Entries) != 0 || !a.Hidden || a.Note == "" {
			t.Errorf("%s host while sealed and open: %+v, want no entries and a note", name, a)
		}
	}
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if a := read(district); len(a.Entries) == 0 || a.Hidden {
		t.Errorf("district host after the close: %+v, want the entries", a)
	}
}
