package result

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// order returns the agenda numbers in priority order.
func order(rs []Ranked) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Number
	}
	return out
}

// selected returns the numbers of the selected agendas.
func selected(rs []Ranked) []int {
	var out []int
	for _, r := range rs {
		if r.Selected {
			out = append(out, r.Number)
		}
	}
	return out
}

func items(costs []int64, votes []int64) []Item {
	out := make([]Item, len(costs))
	for i := range costs {
		out[i] = Item{ID: int64(100 + i), Number: i + 1, Title: fmt.Sprintf("의제 %d", i+1), Cost: costs[i], Votes: votes[i], Points: votes[i]}
	}
	return out
}

func TestRank(t *testing.T) {
	const M = 1_000_000
	cases := []struct {
		name     string
		method   string
		tieBreak string
		cap      int64
		items    []Item
		order    []int
		selected []int
		reasons  []string // by rank
	}{
		{
			name: "greedy with skip", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 30 * M,
			items:    items([]int64{5 * M, 12 * M, 10 * M, 9_500_000, 3 * M, 8 * M}, []int64{90, 80, 70, 60, 50, 0}),
			order:    []int{1, 2, 3, 4, 5, 6},
			selected: []int{1, 2, 3, 5},
			reasons:  []string{ReasonSelected, ReasonSelected, ReasonSelected, ReasonOverCap, ReasonSelected, ReasonNoVotes},
		},
		{
			name: "an expensive first agenda that does not fit", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 30 * M,
			items:    items([]int64{35 * M, 10 * M, 15 * M}, []int64{100, 50, 40}),
			order:    []int{1, 2, 3},
			selected: []int{2, 3},
			reasons:  []string{ReasonOverCap, ReasonSelected, ReasonSelected},
		},
		{
			name: "exact fit", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 30 * M,
			items:    items([]int64{10 * M, 15 * M, 5 * M, 1}, []int64{9, 8, 7, 6}),
			order:    []int{1, 2, 3, 4},
			selected: []int{1, 2, 3},
			reasons:  []string{ReasonSelected, ReasonSelected, ReasonSelected, ReasonOverCap},
		},
		{
			name: "zero votes are never selected", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 30 * M,
			items:    items([]int64{1 * M, 2 * M, 3 * M}, []int64{0, 0, 0}),
			order:    []int{1, 2, 3},
			selected: nil,
			reasons:  []string{ReasonNoVotes, ReasonNoVotes, ReasonNoVotes},
		},
		{
			name: "tie, cost_asc: the lower cost first, then the lower number", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 30 * M,
			items:    items([]int64{9 * M, 4 * M, 9 * M, 4 * M}, []int64{10, 10, 10, 20}),
			order:    []int{4, 2, 1, 3},
			selected: []int{4, 2, 1, 3},
		},
		{
			name: "tie, number_asc: the lower number first whatever the cost", method: MethodApproval, tieBreak: TieBreakNumberAsc, cap: 30 * M,
			items:    items([]int64{9 * M, 4 * M, 9 * M, 4 * M}, []int64{10, 10, 10, 20}),
			order:    []int{4, 1, 2, 3},
			selected: []int{4, 1, 2, 3},
		},
		{
			name: "tie decides who fits", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 10 * M,
			items:    items([]int64{8 * M, 6 * M}, []int64{5, 5}),
			order:    []int{2, 1},
			selected: []int{2},
			reasons:  []string{ReasonSelected, ReasonOverCap},
		},
		{
			name: "ranked: Borda points, not votes", method: MethodRanked, tieBreak: TieBreakCostAsc, cap: 30 * M,
			items: []Item{
				{ID: 1, Number: 1, Cost: 10 * M, Votes: 10, Points: 12},
				{ID: 2, Number: 2, Cost: 10 * M, Votes: 6, Points: 18},
				{ID: 3, Number: 3, Cost: 15 * M, Votes: 8, Points: 16},
			},
			order:    []int{2, 3, 1},
			selected: []int{2, 3},
			reasons:  []string{ReasonSelected, ReasonSelected, ReasonOverCap},
		},
		{
			name: "budget: by votes", method: MethodBudget, tieBreak: TieBreakCostAsc, cap: 20 * M,
			items:    items([]int64{12 * M, 9 * M, 8 * M}, []int64{30, 40, 20}),
			order:    []int{2, 1, 3},
			selected: []int{2, 3},
			reasons:  []string{ReasonSelected, ReasonOverCap, ReasonSelected},
		},
		{
			name: "a free agenda with votes fits an exhausted cap", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 10 * M,
			items:    items([]int64{10 * M, 0}, []int64{5, 1}),
			order:    []int{1, 2},
			selected: []int{1, 2},
		},
		{
			name: "no agendas", method: MethodApproval, tieBreak: TieBreakCostAsc, cap: 10 * M,
			items: nil, order: []int{}, selected: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := Rank(tc.method, tc.tieBreak, tc.cap, tc.items)
			if got := order(rs); !slices.Equal(got, tc.order) {
				t.Errorf("order %v, want %v", got, tc.order)
			}
			if got := selected(rs); !slices.Equal(got, tc.selected) {
				t.Errorf("selected %v, want %v", got, tc.selected)
			}
			for i, want := range tc.reasons {
				if rs[i].Reason != want {
					t.Errorf("rank %d: reason %s, want %s", i+1, rs[i].Reason, want)
				}
			}
			var total int64
			for i, r := range rs {
				if r.Rank != i+1 {
					t.Errorf("rank %d at position %d", r.Rank, i)
				}
				if r.Selected {
					total += r.Cost
				}
				if r.Cumulative != total {
					t.Errorf("rank %d: cumulative %d, want %d", r.Rank, r.Cumulative, total)
				}
			}
			if total > tc.cap {
				t.Errorf("allocated %d over the cap %d", total, tc.cap)
			}
			if Allocated(rs) != total {
				t.Errorf("Allocated %d, want %d", Allocated(rs), total)
			}
			// The order does not depend on the order items come in.
			for k := 0; k < 5; k++ {
				sh := slices.Clone(tc.items)
				rand.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
				if got := order(Rank(tc.method, tc.tieBreak, tc.cap, sh)); !slices.Equal(got, tc.order) {
					t.Fatalf("shuffled input gives order %v, want %v", got, tc.order)
				}
			}
		})
	}
}

func TestNotes(t *testing.T) {
	const M = 1_000_000
	rs := Rank(MethodApproval, TieBreakCostAsc, 30*M,
		items([]int64{5 * M, 12 * M, 10 * M, 9_500_000, 3 * M, 8 * M}, []int64{90, 80, 70, 60, 50, 0}))
	want := []string{
		"1순위, 누적 5,000,000원으로 한도 안 — 선정",
		"2순위, 누적 17,000,000원으로 한도 안 — 선정",
		"3순위, 누적 27,000,000원으로 한도 안 — 선정",
		"4순위, 남은 예산 3,000,000원보다 사업비 9,500,000원이 많아 — 예산 한도 밖, 별도 재원",
		"5순위, 누적 30,000,000원으로 한도 안 — 선정",
		"6순위, 득표 없음 — 선정하지 않음",
	}
	for i, r := range rs {
		if got := Note("ko", TieBreakCostAsc, r); got != want[i] {
			t.Errorf("rank %d: %q, want %q", i+1, got, want[i])
		}
	}
	if got := Note("en", TieBreakCostAsc, rs[3]); got != "Rank 4: the cost 9,500,000 won is more than the 3,000,000 won left — beyond the budget cap, needs other funding" {
		t.Errorf("English note: %q", got)
	}
	tied := Rank(MethodApproval, TieBreakNumberAsc, 30*M, items([]int64{2 * M, 1 * M}, []int64{5, 5}))
	if got := Note("ko", TieBreakNumberAsc, tied[0]); got != "1순위, 누적 2,000,000원으로 한도 안 — 선정 (동점: 의제 번호가 작은 의제 먼저)" {
		t.Errorf("tied note: %q", got)
	}
}

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1":                       "'+1",
		"-1":                       "'-1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tx":                      "'\tx",
		"\rx":                      "'\rx",
		"놀이터":                      "놀이터",
		"":                         "",
	} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}
