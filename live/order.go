package live

import (
	"strconv"

	"maeul/result"
	"maeul/voting"
)

// Row is one agenda on the projector: its place in the current priority
// order and whether it fits the dong's cap when the money is handed out in
// that order.
type Row struct {
	voting.AgendaTally
	Rank  int
	Score int64 // points for ranked ballots, votes otherwise
	// Fits is true when the agenda has votes and still fits what the cap
	// leaves after the agendas above it that fit (선정 가능). Over is true
	// when it has votes but does not fit (한도 초과). An agenda nobody chose
	// is neither, as in the results.
	Fits, Over bool
	// Line marks the first agenda that does not fit: the money runs out
	// right above it.
	Line bool
	// Bar is the score as a percentage of the top score, for the chart.
	Bar int64
}

// Order ranks a tally's agendas in the current priority order with the
// same rule the published result uses (result.Rank): by points for ranked
// ballots, by votes otherwise, ties by the assembly's tie-break, and the
// money handed out greedily with skip. The projector must never show an
// order the results would later contradict, so there is one ranking in Go.
// It returns nil while the numbers are withheld (sealed).
func Order(t *voting.Tally) []Row {
	if t == nil || t.Sealed || len(t.Agendas) == 0 || t.Agendas[0].Votes == nil {
		return nil
	}
	items := make([]result.Item, len(t.Agendas))
	byID := make(map[int64]voting.AgendaTally, len(t.Agendas))
	for i, g := range t.Agendas {
		id, _ := strconv.ParseInt(g.ID, 10, 64)
		items[i] = result.Item{ID: id, Number: g.Number, Title: g.Title, Cost: g.Cost, Votes: deref(g.Votes), Points: deref(g.Points)}
		byID[id] = g
	}
	ranked := result.Rank(t.Method, t.TieBreak, t.BudgetCap, items)
	top := result.Score(t.Method, ranked[0].Item)
	rows := make([]Row, len(ranked))
	line := false
	for i, r := range ranked {
		row := Row{AgendaTally: byID[r.ID], Rank: r.Rank, Score: result.Score(t.Method, r.Item),
			Fits: r.Selected, Over: r.Reason == result.ReasonOverCap}
		if top > 0 {
			row.Bar = row.Score * 100 / top
		}
		if row.Over && !line {
			row.Line, line = true, true
		}
		rows[i] = row
	}
	return rows
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Allocated sums the cost of the agendas that fit.
func Allocated(rows []Row) int64 {
	var n int64
	for _, r := range rows {
		if r.Fits {
			n += r.Cost
		}
	}
	return n
}
