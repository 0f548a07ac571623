package registration

import (
	"context"

	"maeul/account"
	"maeul/voting"
)

// Counts are the console's registration numbers: per channel and place,
// and duplicates refused. The voting console reads them through
// voting.Service.Registrations (wired by the server).
func (s *Service) Counts(ctx context.Context, assemblyID int64) (*voting.RegistrationStats, error) {
	st := &voting.RegistrationStats{Lines: []voting.RegistrationLine{}}
	rows, err := s.pool.Query(ctx, `SELECT r.channel, coalesce(b.place, ''), count(*)
		FROM registrations r LEFT JOIN booths b ON b.id = r.booth_id
		WHERE r.assembly_id = $1
		GROUP BY r.channel, b.place, b.starts_at
		ORDER BY array_position(ARRAY['onsite', 'early', 'online'], r.channel), b.starts_at, b.place`, assemblyID)
	if err != nil {
		return nil, wrap("count registrations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l voting.RegistrationLine
		if err := rows.Scan(&l.Channel, &l.Place, &l.Count); err != nil {
			return nil, wrap("count registrations", err)
		}
		st.Lines = append(st.Lines, l)
		st.Total += l.Count
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("count registrations", err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(count), 0)::bigint FROM registration_refusals WHERE assembly_id = $1`,
		assemblyID).Scan(&st.Refused); err != nil {
		return nil, wrap("count refusals", err)
	}
	return st, nil
}

// Stats are Counts for a host who may read the assembly.
func (s *Service) Stats(ctx context.Context, u *account.User, assemblyID int64) (*voting.RegistrationStats, error) {
	a, err := s.readable(ctx, u, assemblyID)
	if err != nil {
		return nil, err
	}
	return s.Counts(ctx, a.ID)
}
