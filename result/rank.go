package result

import (
	"sort"

	"maeul/i18n"
)

// Voting methods and tie-break rules, as stored on the assembly (the same
// strings as assembly.Method* and assembly.TieBreak*), repeated here so the
// pure ranking can be used without the database.
const (
	MethodApproval = "approval"
	MethodRanked   = "ranked"
	MethodBudget   = "budget"

	TieBreakCostAsc   = "cost_asc"
	TieBreakNumberAsc = "number_asc"
)

// Item is one agenda as the ranking sees it: its count and its cost.
type Item struct {
	ID     int64
	Number int
	Title  string
	Cost   int64
	Votes  int64 // ballots that chose it
	Points int64 // Borda points (ranked); equal to Votes otherwise
}

// Reasons why an agenda is or is not selected.
const (
	ReasonSelected = "selected" // fits what the cap leaves
	ReasonOverCap  = "over_cap" // keeps its rank, needs other money
	ReasonNoVotes  = "no_votes" // nobody chose it
)

// Ranked is an Item with its place in the priority order and the budget fill.
type Ranked struct {
	Item
	Rank     int
	Selected bool
	Reason   string
	// Remaining is what the cap left before this agenda; Cumulative is the
	// total of the selected agendas up to and including this one.
	Remaining  int64
	Cumulative int64
	// Tied is true when the agenda shares its score with another and the
	// tie-break rule decided their order.
	Tied bool
}

// Score is what the order is by: Borda points for ranked ballots, votes
// for approval and budget ballots.
func Score(method string, it Item) int64 {
	if method == MethodRanked {
		return it.Points
	}
	return it.Votes
}

// Rank puts the agendas in priority order and fills the budget.
//
// Order: the higher score first (see Score); equal scores are ordered by the
// published tie-break: cost_asc puts the lower cost first, then the lower
// agenda number; number_asc puts the lower agenda number first. An unknown
// rule is treated as cost_asc. The order is total, so the result is the
// same whatever order items come in.
//
// Fill (greedy with skip): walk the order and select each agenda with at
// least one vote whose cost fits in what the cap leaves; an agenda that does
// not fit keeps its rank, is not selected, and the walk goes on. An agenda
// nobody chose is never selected.
func Rank(method, tieBreak string, budgetCap int64, items []Item) []Ranked {
	out := make([]Ranked, len(items))
	for i, it := range items {
		out[i] = Ranked{Item: it}
	}
	less := func(a, b Item) bool {
		sa, sb := Score(method, a), Score(method, b)
		if sa != sb {
			return sa > sb
		}
		if tieBreak != TieBreakNumberAsc && a.Cost != b.Cost {
			return a.Cost < b.Cost
		}
		if a.Number != b.Number {
			return a.Number < b.Number
		}
		return a.ID < b.ID
	}
	sort.SliceStable(out, func(i, j int) bool { return less(out[i].Item, out[j].Item) })
	var total int64
	for i := range out {
		r := &out[i]
		r.Rank = i + 1
		s := Score(method, r.Item)
		r.Tied = (i > 0 && Score(method, out[i-1].Item) == s) || (i+1 < len(out) && Score(method, out[i+1].Item) == s)
		r.Remaining = budgetCap - total
		switch {
		case s <= 0:
			r.Reason = ReasonNoVotes
		case r.Cost <= r.Remaining:
			r.Selected = true
			r.Reason = ReasonSelected
			total += r.Cost
		default:
			r.Reason = ReasonOverCap
		}
		r.Cumulative = total
	}
	return out
}

// Allocated is the total cost of the selected agendas.
func Allocated(rs []Ranked) int64 {
	var n int64
	for _, r := range rs {
		if r.Selected {
			n += r.Cost
		}
	}
	return n
}

// Note is the one-line explanation of why r is or is not selected, in lang
// ("ko" or "en"), e.g. "2순위, 누적 17,000,000원으로 한도 안 — 선정".
func Note(lang, tieBreak string, r Ranked) string {
	return NoteIn(lang, tieBreak, "KRW", r)
}

// NoteIn is Note with amounts in another currency (a Pabulib file's).
func NoteIn(lang, tieBreak, currency string, r Ranked) string {
	money := func(n int64) string {
		switch {
		case currency != "KRW" && currency != "":
			return group(n) + " " + currency
		case lang == "en":
			return group(n) + " won"
		}
		return won(n)
	}
	var s string
	switch r.Reason {
	case ReasonSelected:
		s = i18n.T(lang, "result.note.selected", r.Rank, money(r.Cumulative))
	case ReasonOverCap:
		s = i18n.T(lang, "result.note.over_cap", r.Rank, money(r.Remaining), money(r.Cost))
	default:
		s = i18n.T(lang, "result.note.no_votes", r.Rank)
	}
	if r.Tied && r.Reason != ReasonNoVotes {
		s += " " + i18n.T(lang, "result.note.tied."+tieBreakKey(tieBreak))
	}
	return s
}

func tieBreakKey(tieBreak string) string {
	if tieBreak == TieBreakNumberAsc {
		return TieBreakNumberAsc
	}
	return TieBreakCostAsc
}

// TieBreakRule states the tie-break rule in words, for the results page,
// the exports and the Pabulib file.
func TieBreakRule(lang, tieBreak string) string {
	return i18n.T(lang, "result.tie_break."+tieBreakKey(tieBreak))
}
