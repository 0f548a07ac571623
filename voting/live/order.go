package live

import (
	"sort"

	"maeul/assembly"
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

// Order ranks a tally's agendas in the current priority order: by points
// for ranked ballots, by votes otherwise; ties by the assembly's tie-break
// (cost_asc: the lower cost first, then the lower number; number_asc: the
// lower number). The money is handed out as in the results: walking the
// order, each agenda with votes that fits what is left is selected; one
// that does not fit keeps its rank and the walk goes on. It returns nil
// while the numbers are withheld (sealed).
func Order(t *voting.Tally) []Row {
	if t == nil || t.Sealed || len(t.Agendas) == 0 || t.Agendas[0].Votes == nil {
		return nil
	}
	rows := make([]Row, len(t.Agendas))
	for i, g := range t.Agendas {
		rows[i] = Row{AgendaTally: g, Score: score(t.Method, g)}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if t.TieBreak != assembly.TieBreakNumberAsc && a.Cost != b.Cost {
			return a.Cost < b.Cost
		}
		return a.Number < b.Number
	})
	top := rows[0].Score
	left := t.BudgetCap
	line := false
	for i := range rows {
		r := &rows[i]
		r.Rank = i + 1
		if top > 0 {
			r.Bar = r.Score * 100 / top
		}
		switch {
		case r.Score <= 0:
		case r.Cost <= left:
			r.Fits = true
			left -= r.Cost
		default:
			r.Over = true
			if !line {
				r.Line, line = true, true
			}
		}
	}
	return rows
}

func score(method string, g voting.AgendaTally) int64 {
	if method == assembly.MethodRanked && g.Points != nil {
		return *g.Points
	}
	if g.Votes != nil {
		return *g.Votes
	}
	return 0
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
