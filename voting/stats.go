package voting

import (
	"context"
	"strconv"
	"time"

	"maeul/account"
	"maeul/assembly"
)

// Stats are the console's numbers.
type Stats struct {
	Issued   map[string]int64 `json:"issued"`
	Used     map[string]int64 `json:"used"`
	Revoked  map[string]int64 `json:"revoked"`
	Ballots  map[string]int64 `json:"ballots"`
	Total    int64            `json:"total"`
	Failures int64            `json:"failed_attempts"`
	// FailuresHour counts failed attempts in the current hour.
	FailuresHour int64   `json:"failed_attempts_hour"`
	Batches      []Batch `json:"batches"`
}

// IssuedTotal, UsedTotal and RevokedTotal are the console's 합계 row.
func (s *Stats) IssuedTotal() int64  { return sumOf(s.Issued) }
func (s *Stats) UsedTotal() int64    { return sumOf(s.Used) }
func (s *Stats) RevokedTotal() int64 { return sumOf(s.Revoked) }

func sumOf(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// Batch is one issue of codes.
type Batch struct {
	ID        string    `json:"id"`
	Channel   string    `json:"channel"`
	Count     int64     `json:"count"`
	Used      int64     `json:"used"`
	Revoked   int64     `json:"revoked"`
	CreatedAt time.Time `json:"created_at"`
}

// Unused is how many codes of the batch can still vote.
func (b Batch) Unused() int64 { return b.Count - b.Used - b.Revoked }

// Stats counts codes and ballots per channel and failed code attempts.
func (s *Service) Stats(ctx context.Context, a *assembly.Assembly) (*Stats, error) {
	st := &Stats{Issued: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelEarly: 0},
		Used:    map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelEarly: 0},
		Revoked: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelEarly: 0},
		Ballots: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelPaper: 0, ChannelEarly: 0}, Batches: []Batch{}}
	rows, err := s.pool.Query(ctx, `SELECT b.id, b.channel, b.count, b.created_at,
			count(*) FILTER (WHERE c.used), count(c.revoked_at)
		FROM code_batches b LEFT JOIN codes c ON c.batch_id = b.id
		WHERE b.assembly_id = $1 GROUP BY b.id ORDER BY b.id DESC`, a.ID)
	if err != nil {
		return nil, wrap("code batches", err)
	}
	for rows.Next() {
		var b Batch
		var id int64
		if err := rows.Scan(&id, &b.Channel, &b.Count, &b.CreatedAt, &b.Used, &b.Revoked); err != nil {
			rows.Close()
			return nil, wrap("code batches", err)
		}
		b.ID = strconv.FormatInt(id, 10)
		st.Issued[b.Channel] += b.Count
		st.Used[b.Channel] += b.Used
		st.Revoked[b.Channel] += b.Revoked
		st.Batches = append(st.Batches, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("code batches", err)
	}
	if st.Total, err = countChannels(ctx, s.pool, a.ID, st.Ballots); err != nil {
		return nil, wrap("count ballots", err)
	}
	err = s.pool.QueryRow(ctx, `SELECT coalesce(sum(count), 0),
		coalesce(sum(count) FILTER (WHERE hour = date_trunc('hour', now())), 0)
		FROM code_failures WHERE assembly_id = $1`, a.ID).Scan(&st.Failures, &st.FailuresHour)
	if err != nil {
		return nil, wrap("count failed attempts", err)
	}
	return st, nil
}

// ConsoleStats counts the codes and ballots of an assembly the host may
// read (Stats).
func (s *Service) ConsoleStats(ctx context.Context, u *account.User, id int64) (*assembly.Assembly, *Stats, error) {
	a, err := s.readable(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.Stats(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	return a, st, nil
}
