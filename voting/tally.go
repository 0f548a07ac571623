package voting

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"maeul/assembly"
)

// Channels a ballot can come from.
const (
	ChannelOnsite = "onsite"
	ChannelOnline = "online"
	ChannelPaper  = "paper"
	// ChannelEarly is an early booth's (사전투표소): its codes work only
	// inside their booth's window.
	ChannelEarly = "early"
)

// Tally is the live count of an assembly, as the API, the websocket and the
// projector show it. While the assembly is open and sealed, Votes and Points
// are nil and are left out of the JSON.
type Tally struct {
	AssemblyID int64     `json:"-"`
	Slug       string    `json:"slug"`
	District   string    `json:"district"`
	Dong       string    `json:"dong"`
	Title      string    `json:"title"`
	EndsAt     time.Time `json:"ends_at"`
	TieBreak   string    `json:"tie_break"`
	State      string    `json:"state"`
	Sealed     bool      `json:"sealed"`
	// Revealed is true once the projector may show the ranking: the host
	// revealed it after the close, or the result is announced. Hosts'
	// tallies carry the numbers once closed whatever it says; a projector
	// link's do not until it is true (ForProjector).
	Revealed    bool             `json:"revealed"`
	Method      string           `json:"method"`
	BudgetCap   int64            `json:"budget_cap"`
	Ballots     int64            `json:"ballots"`
	Channels    map[string]int64 `json:"channels"`
	CodesIssued int64            `json:"codes_issued"`
	// CodesByChannel counts codes issued (not revoked) per channel.
	CodesByChannel map[string]int64 `json:"codes_by_channel"`
	Agendas        []AgendaTally    `json:"agendas"`
	// Questions are the yes/no questions (counts left out while sealed)
	// and Turnout the share of the dong's residents who voted.
	Questions []QuestionTally `json:"questions"`
	Turnout   Turnout         `json:"turnout"`
}

// AgendaTally is one agenda's count. Points are Borda points for ranked
// ballots (position p of K scores K−p+1) and equal Votes otherwise.
type AgendaTally struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Title  string `json:"title"`
	Cost   int64  `json:"cost"`
	Votes  *int64 `json:"votes,omitempty"`
	Points *int64 `json:"points,omitempty"`
}

// Hidden reports whether per-agenda numbers must be withheld from everyone:
// the assembly is sealed and has not closed yet.
func Hidden(a *assembly.Assembly) bool {
	return a.Sealed && (a.State == assembly.StateOpen || a.State == assembly.StatePublished || a.State == assembly.StateDraft)
}

// Count reads the tally of an assembly from the running counts (a few rows
// per agenda, however many ballots: RunningCounts), the codes issued, and every agenda in order
// of its number. When the assembly is sealed and not yet closed,
// per-agenda numbers are left out here, at the source, so no caller can
// leak them.
func Count(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Tally, error) {
	t := &Tally{AssemblyID: a.ID, Slug: a.Slug, District: a.District, Dong: a.Dong, Title: a.Title,
		EndsAt: a.EndsAt, TieBreak: a.TieBreak, State: a.State, Sealed: Hidden(a), Method: a.Method, BudgetCap: a.BudgetCap,
		CodesByChannel: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelEarly: 0}}
	c, err := RunningCounts(ctx, q, a)
	if err != nil {
		return nil, err
	}
	t.Ballots, t.Channels = c.Ballots, c.Channels
	if a.State == assembly.StateClosed || a.State == assembly.StateAnnounced {
		if t.Revealed, err = Revealed(ctx, q, a); err != nil {
			return nil, fmt.Errorf("voting: tally: revealed: %w", err)
		}
	}
	if err := countCodes(ctx, q, a.ID, t); err != nil {
		return nil, fmt.Errorf("voting: count codes: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT id, number, title, cost FROM agendas WHERE assembly_id = $1 ORDER BY number`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("voting: tally agendas: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g AgendaTally
		var id int64
		if err := rows.Scan(&id, &g.Number, &g.Title, &g.Cost); err != nil {
			return nil, fmt.Errorf("voting: tally agendas: %w", err)
		}
		g.ID = strconv.FormatInt(id, 10)
		if !t.Sealed {
			n := c.Total(id)
			g.Votes, g.Points = &n.Votes, &n.Points
		}
		t.Agendas = append(t.Agendas, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("voting: tally agendas: %w", err)
	}
	if t.Questions, err = TallyQuestions(ctx, q, a.ID, c, t.Sealed); err != nil {
		return nil, fmt.Errorf("voting: tally questions: %w", err)
	}
	t.Turnout = TurnoutOf(a, t.Ballots)
	return t, nil
}

// Covered reports whether the projector must not show the ranking: the
// numbers are sealed, or the vote has closed and the host has not revealed
// the ranking yet (paper ballots may still be counted).
func (t *Tally) Covered() bool {
	return t.Sealed || t.State == assembly.StateClosed && !t.Revealed
}

// ForProjector returns the tally as a projector link may receive it: while
// Covered, a copy without per-agenda numbers; otherwise t itself.
func (t *Tally) ForProjector() *Tally {
	if !t.Covered() || t.Sealed {
		// A sealed tally carries no numbers already (Count): no copy.
		return t
	}
	c := *t
	c.Agendas = make([]AgendaTally, len(t.Agendas))
	for i, g := range t.Agendas {
		g.Votes, g.Points = nil, nil
		c.Agendas[i] = g
	}
	// The questions' counts are a result too: covered like the ranking.
	c.Questions = make([]QuestionTally, len(t.Questions))
	for i, q := range t.Questions {
		q.Yes, q.No, q.Abstain, q.Passed = nil, nil, nil, nil
		c.Questions[i] = q
	}
	return &c
}

// countCodes counts the codes issued and not revoked, per channel: the
// batches' sizes less the revoked codes (a partial index), never every code.
func countCodes(ctx context.Context, q assembly.Querier, assemblyID int64, t *Tally) error {
	rows, err := q.Query(ctx, `SELECT channel, sum(n)::bigint FROM (
			SELECT channel, count AS n FROM code_batches WHERE assembly_id = $1
			UNION ALL SELECT channel, -count(*) FROM codes WHERE assembly_id = $1 AND revoked_at IS NOT NULL GROUP BY channel) x
		GROUP BY channel`, assemblyID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ch string
		var n int64
		if err := rows.Scan(&ch, &n); err != nil {
			return err
		}
		t.CodesByChannel[ch] = n
		t.CodesIssued += n
	}
	return rows.Err()
}
