package voting

import (
	"context"
	"fmt"

	"maeul/assembly"
)

// ChoiceCount is one agenda's votes and points (Borda points for ranked: position p of K scores K−p+1; equal to votes otherwise).
type ChoiceCount struct{ Votes, Points int64 }

// Counts is everything counted from the ballots of one assembly.
type Counts struct {
	Ballots  int64                            // all ballots
	Channels map[string]int64                 // ballots per channel (onsite, online, paper always present, 0 if none)
	Agendas  map[int64]map[string]ChoiceCount // agenda id → channel → count (only agendas/channels with choices)
}

// CountBallots counts the ballots of an assembly: the one place the ballots are counted.
//
// It reads twice (ballots per channel, then choices per agenda and
// channel); give it a transaction with one snapshot (repeatable read) when
// ballots may still arrive and the two must agree.
func CountBallots(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Counts, error) {
	c := &Counts{Channels: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelPaper: 0},
		Agendas: map[int64]map[string]ChoiceCount{}}
	var err error
	if c.Ballots, err = countChannels(ctx, q, a.ID, c.Channels); err != nil {
		return nil, fmt.Errorf("voting: count ballots: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT b.channel, c.agenda_id, count(*),
			sum(CASE WHEN $2 = 'ranked' THEN greatest($3::int - c.position + 1, 0) ELSE 1 END)
		FROM ballot_choices c JOIN ballots b ON b.assembly_id = c.assembly_id AND b.id = c.ballot_id
		WHERE c.assembly_id = $1 GROUP BY b.channel, c.agenda_id`, a.ID, a.Method, a.MaxChoices)
	if err != nil {
		return nil, fmt.Errorf("voting: count choices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ch string
		var id int64
		var cc ChoiceCount
		if err := rows.Scan(&ch, &id, &cc.Votes, &cc.Points); err != nil {
			return nil, fmt.Errorf("voting: count choices: %w", err)
		}
		if c.Agendas[id] == nil {
			c.Agendas[id] = map[string]ChoiceCount{}
		}
		c.Agendas[id][ch] = cc
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("voting: count choices: %w", err)
	}
	return c, nil
}

// Total is an agenda's count over every channel.
func (c *Counts) Total(agendaID int64) ChoiceCount {
	var t ChoiceCount
	for _, cc := range c.Agendas[agendaID] {
		t.Votes += cc.Votes
		t.Points += cc.Points
	}
	return t
}

// countChannels adds each channel's number of ballots of an assembly to
// into and returns the total: the one query that counts ballots per
// channel (the tally, the console's numbers, the close).
func countChannels(ctx context.Context, q assembly.Querier, assemblyID int64, into map[string]int64) (int64, error) {
	rows, err := q.Query(ctx, `SELECT channel, count(*) FROM ballots WHERE assembly_id = $1 GROUP BY channel`, assemblyID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var ch string
		var n int64
		if err := rows.Scan(&ch, &n); err != nil {
			return 0, err
		}
		into[ch] += n
		total += n
	}
	return total, rows.Err()
}
