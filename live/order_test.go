package live_test

import (
	"fmt"
	"strings"
	"testing"

	"maeul/live"
	"maeul/voting"
)

func tally(method, tieBreak string, cap int64, agendas ...[3]int64) *voting.Tally {
	t := &voting.Tally{Method: method, TieBreak: tieBreak, BudgetCap: cap}
	for i, g := range agendas {
		v, p := g[1], g[2]
		t.Agendas = append(t.Agendas, voting.AgendaTally{ID: fmt.Sprint(i + 1), Number: i + 1, Cost: g[0], Votes: &v, Points: &p})
	}
	return t
}

// describe writes the order as "number:fits" with "|" where the line is.
func describe(rows []live.Row) string {
	var b strings.Builder
	for _, r := range rows {
		if r.Line {
			b.WriteString("| ")
		}
		mark := "none"
		if r.Fits {
			mark = "ok"
		} else if r.Over {
			mark = "over"
		}
		fmt.Fprintf(&b, "%d:%s ", r.Number, mark)
	}
	return strings.TrimSpace(b.String())
}

func TestOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    *voting.Tally
		want string
	}{
		{"by votes, budget line above the first that does not fit",
			tally("approval", "cost_asc", 30, [3]int64{10, 5, 0}, [3]int64{15, 9, 0}, [3]int64{10, 7, 0}, [3]int64{3, 1, 0}),
			"2:ok 3:ok | 1:over 4:ok"},
		{"ranked counts points, not votes",
			tally("ranked", "cost_asc", 100, [3]int64{10, 9, 9}, [3]int64{10, 3, 12}),
			"2:ok 1:ok"},
		{"ties: cost_asc puts the cheaper first",
			tally("approval", "cost_asc", 100, [3]int64{20, 4, 0}, [3]int64{10, 4, 0}, [3]int64{10, 4, 0}),
			"2:ok 3:ok 1:ok"},
		{"ties: number_asc ignores cost",
			tally("approval", "number_asc", 100, [3]int64{20, 4, 0}, [3]int64{10, 4, 0}),
			"1:ok 2:ok"},
		{"an agenda nobody chose is never selected",
			tally("approval", "cost_asc", 100, [3]int64{20, 0, 0}, [3]int64{10, 4, 0}),
			"2:ok 1:none"},
		{"an agenda above the whole cap is over even when first",
			tally("budget", "cost_asc", 30, [3]int64{31, 9, 0}, [3]int64{30, 1, 0}),
			"| 1:over 2:ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describe(live.Order(tc.t)); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("sealed: no order at all", func(t *testing.T) {
		s := &voting.Tally{Sealed: true, Agendas: []voting.AgendaTally{{ID: "1", Number: 1, Cost: 5}}}
		if rows := live.Order(s); rows != nil {
			t.Fatalf("sealed tally ordered: %v", rows)
		}
	})
}
