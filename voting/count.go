package voting

import (
	"context"
	"fmt"

	"maeul/assembly"
)

// ChoiceCount is one agenda's count within one channel: the ballots that
// chose it and its Borda points (equal to Votes unless ranked).
type ChoiceCount struct{ Votes, Points int64 }

// Counts is the full count of an assembly's ballots, per channel, with
// per-agenda numbers: what the result ranks. Unlike Count it withholds
// nothing; callers show it only once the vote has closed.
type Counts struct {
	Ballots  int64                            // all ballots
	Channels map[string]int64                 // ballots per channel (onsite, online, paper always present)
	Agendas  map[int64]map[string]ChoiceCount // agenda id → channel → count
}

// CountBallots counts an assembly's ballots per channel and each agenda's
// votes and points per channel. Points of a ranked ballot are
// greatest(max_choices − position + 1, 0); of any other ballot, 1.
func CountBallots(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (*Counts, error) {
	c := &Counts{Channels: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelPaper: 0},
		Agendas: map[int64]map[string]ChoiceCount{}}
	rows, err := q.Query(ctx, `SELECT channel, count(*) FROM ballots WHERE assembly_id = $1 GROUP BY channel`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("voting: count ballots: %w", err)
	}
	for rows.Next() {
		var ch string
		var n int64
		if err := rows.Scan(&ch, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("voting: count ballots: %w", err)
		}
		c.Channels[ch] += n
		c.Ballots += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("voting: count ballots: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT b.channel, c.agenda_id, count(*),
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
