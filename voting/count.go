package voting

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"maeul/assembly"
)

// ChoiceCount is one agenda's votes and points (Borda points for ranked: position p of K scores K−p+1; equal to votes otherwise).
type ChoiceCount struct{ Votes, Points int64 }

// Counts is everything counted from the ballots of one assembly.
type Counts struct {
	Ballots  int64                            // all ballots
	Channels map[string]int64                 // ballots per channel (onsite, online, paper always present, 0 if none)
	Agendas  map[int64]map[string]ChoiceCount // agenda id → channel → count (only agendas/channels with choices)
	// Questions: question id → channel → answers (questions_store.go).
	Questions map[int64]map[string]AnswerCount
}

// CountBallots counts the stored ballots of an assembly one by one: the
// full recount, kept as a check of the running counts (RunningCounts). It
// scores in SQL on purpose, apart from the mixer's points(): a check that
// shared the code it checks would agree with any mistake in it. It
// does not see ballots still waiting to be mixed; after a close there are
// none. Channels are the ballots' labels (onsite, online, paper, mixed).
//
// It reads twice (ballots per channel, then choices per agenda and
// channel); give it a transaction with one snapshot (repeatable read) when
// ballots may still arrive and the two must agree.
func CountBallots(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Counts, error) {
	c := &Counts{Channels: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelPaper: 0, ChannelEarly: 0},
		Agendas: map[int64]map[string]ChoiceCount{}}
	var err error
	if c.Ballots, err = storedByLabel(ctx, q, a.ID, c.Channels); err != nil {
		return nil, fmt.Errorf("voting: count ballots: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT b.channel, c.agenda_id, count(*),
			sum(CASE WHEN $2 = 'ranked' THEN greatest($3::int - c.position + 1, 0) ELSE 1 END)
		FROM ballot_choices c JOIN ballots b ON b.assembly_id = c.assembly_id AND b.id = c.ballot_id
		WHERE c.assembly_id = $1 GROUP BY b.channel, c.agenda_id`, a.ID, a.Method, a.MaxChoices)
	if err != nil {
		return nil, fmt.Errorf("voting: count choices: %w", err)
	}
	if err := c.scanChoices(rows); err != nil {
		return nil, fmt.Errorf("voting: count choices: %w", err)
	}
	if err := c.recountAnswers(ctx, q, a.ID); err != nil {
		return nil, fmt.Errorf("voting: count answers: %w", err)
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

// RunningCounts reads the counts kept as ballots are stored and mixed: a
// few rows per agenda, whatever the number of ballots. Channels are the
// ballots received per channel (mixed and still waiting); Agendas have
// only mixed ballots, by label, so they move in whole groups.
func RunningCounts(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Counts, error) {
	c := &Counts{Channels: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelPaper: 0, ChannelEarly: 0},
		Agendas: map[int64]map[string]ChoiceCount{}}
	var err error
	if c.Ballots, err = countChannels(ctx, q, a.ID, c.Channels); err != nil {
		return nil, fmt.Errorf("voting: running counts: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT channel, agenda_id, votes, points FROM tally_agendas WHERE assembly_id = $1`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("voting: running counts: %w", err)
	}
	if err := c.scanChoices(rows); err != nil {
		return nil, fmt.Errorf("voting: running counts: %w", err)
	}
	if err := c.runningAnswers(ctx, q, a.ID); err != nil {
		return nil, fmt.Errorf("voting: running counts: %w", err)
	}
	return c, nil
}

// scanChoices reads rows of (channel, agenda id, votes, points) into c.
func (c *Counts) scanChoices(rows pgx.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var ch string
		var id int64
		var cc ChoiceCount
		if err := rows.Scan(&ch, &id, &cc.Votes, &cc.Points); err != nil {
			return err
		}
		if c.Agendas[id] == nil {
			c.Agendas[id] = map[string]ChoiceCount{}
		}
		c.Agendas[id][ch] = cc
	}
	return rows.Err()
}

// SameChoices reports whether two counts agree on every agenda's votes and
// points per label, and on every question's answers (the running counts
// against the full recount).
func (c *Counts) SameChoices(o *Counts) bool {
	if !sameAnswers(c.Questions, o.Questions) {
		return false
	}
	norm := func(m map[int64]map[string]ChoiceCount) map[int64]map[string]ChoiceCount {
		out := map[int64]map[string]ChoiceCount{}
		for id, chs := range m {
			for ch, cc := range chs {
				if cc.Votes == 0 && cc.Points == 0 {
					continue
				}
				if out[id] == nil {
					out[id] = map[string]ChoiceCount{}
				}
				out[id][ch] = cc
			}
		}
		return out
	}
	x, y := norm(c.Agendas), norm(o.Agendas)
	if len(x) != len(y) {
		return false
	}
	for id, chs := range x {
		if len(chs) != len(y[id]) {
			return false
		}
		for ch, cc := range chs {
			if y[id][ch] != cc {
				return false
			}
		}
	}
	return true
}

// ByChannelAllowed reports whether a per-channel split of the choices may
// be shown: every channel with ballots has at least k of them, and no
// group had to be stored as "mixed".
func (c *Counts) ByChannelAllowed(k int) bool {
	for _, n := range c.Channels {
		if n > 0 && n < int64(k) {
			return false
		}
	}
	for _, chs := range c.Agendas {
		if _, ok := chs[ChannelMixed]; ok {
			return false
		}
	}
	return true
}

// countChannels adds each channel's number of ballots received (mixed or
// still waiting) to into and returns the total, from the running counts:
// the one query that counts ballots per channel (the tally, the console's
// numbers, open and close).
func countChannels(ctx context.Context, q assembly.Querier, assemblyID int64, into map[string]int64) (int64, error) {
	rows, err := q.Query(ctx, `SELECT channel, sum(n)::bigint FROM (
			SELECT channel, ballots AS n FROM tally_channels WHERE assembly_id = $1
			UNION ALL SELECT channel, count(*) FROM pending_ballots WHERE assembly_id = $1 GROUP BY channel) x
		GROUP BY channel`, assemblyID)
	if err != nil {
		return 0, err
	}
	return addByChannel(rows, into)
}

// storedByLabel counts the stored ballots by label, one by one.
func storedByLabel(ctx context.Context, q assembly.Querier, assemblyID int64, into map[string]int64) (int64, error) {
	rows, err := q.Query(ctx, `SELECT channel, count(*) FROM ballots WHERE assembly_id = $1 GROUP BY channel`, assemblyID)
	if err != nil {
		return 0, err
	}
	return addByChannel(rows, into)
}

// addByChannel adds rows of (channel, count) to into and returns the sum.
func addByChannel(rows pgx.Rows, into map[string]int64) (int64, error) {
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
