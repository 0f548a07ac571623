package voting

import (
	"context"

	"github.com/jackc/pgx/v5"

	"maeul/assembly"
	"maeul/database"
)

// boothOpenSQL is true when a code (alias c) is not an early booth's or its
// booth's window is open now. The consuming statement checks the same.
const boothOpenSQL = `coalesce((SELECT now() >= b.starts_at AND now() < b.ends_at FROM booths b WHERE b.id = c.booth_id), true)`

// IssueRegisteredCode issues one code for a person just registered, inside
// the registration's transaction tx (so a refused registration issues
// nothing). The code joins the one registered batch of its channel and
// booth (boothID 0 unless early), so no batch's time or size names a
// person, and nothing on the code points to the registration. The caller
// checks the host's rights and the assembly's state.
func (s *Service) IssueRegisteredCode(ctx context.Context, tx pgx.Tx, a *assembly.Assembly, userID *int64, channel string, boothID int64) (IssuedCode, error) {
	var booth *int64
	if boothID != 0 {
		booth = &boothID
	}
	var batch int64
	err := tx.QueryRow(ctx, `UPDATE code_batches SET count = count + 1
		WHERE id = (SELECT id FROM code_batches WHERE assembly_id = $1 AND channel = $2 AND registered
			AND booth_id IS NOT DISTINCT FROM $3 ORDER BY id LIMIT 1)
		RETURNING id`, a.ID, channel, booth).Scan(&batch)
	if err == pgx.ErrNoRows {
		err = tx.QueryRow(ctx, `INSERT INTO code_batches (assembly_id, channel, count, created_by, booth_id, registered)
			VALUES ($1, $2, 1, $3, $4, true) RETURNING id`, a.ID, channel, userID, booth).Scan(&batch)
	}
	if err != nil {
		return IssuedCode{}, wrap("registered batch", err)
	}
	for try := 0; ; try++ {
		c := newPlainCode()
		// A savepoint: a (very unlikely) collision of the typed form must
		// not abort the registration's transaction.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return IssuedCode{}, wrap("issue registered code", err)
		}
		_, err = sp.Exec(ctx, `INSERT INTO codes (assembly_id, batch_id, channel, qr_hash, short_hash, booth_id)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, batch, channel, hashQR(c.qr), hashShort(s.key(), c.short), booth)
		if database.IsUniqueViolation(err, "") && try < 3 {
			sp.Rollback(ctx)
			continue
		}
		if err == nil {
			err = sp.Commit(ctx)
		}
		if err != nil {
			return IssuedCode{}, wrap("issue registered code", err)
		}
		return IssuedCode{Code: c.qr, Short: GroupShort(c.short), URL: s.BallotURL(a.Slug, c.qr)}, nil
	}
}

// RegistrationLine is one line of the console's registrations: a channel
// and, for early booths, the place.
type RegistrationLine struct {
	Channel string `json:"channel"`
	Place   string `json:"place,omitempty"`
	Count   int64  `json:"count"`
}

// RegistrationStats are the console's registration numbers: registrations
// per channel and place, and duplicates refused.
type RegistrationStats struct {
	Lines   []RegistrationLine `json:"lines"`
	Total   int64              `json:"total"`
	Refused int64              `json:"duplicates_refused"`
}
