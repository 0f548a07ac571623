package voting

import (
	"context"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Reprinting cards. Each card of a batch has a number (printed on it), and
// the plain codes are kept sealed under the service secret (code_cards)
// until the close erases them, so a printer jam costs a reprint, not the
// batch. Only unused, unrevoked codes are reprinted: a used code's card is
// worth nothing, and printing it again would only put a spent code about.

// cardLabel is the secret's purpose for sealed cards.
const cardLabel = "code card"

// cardAAD binds a sealed card to its assembly, batch and number: a box
// copied to another row does not open.
func cardAAD(assemblyID, batchID int64, number int) []byte {
	var b [20]byte
	binary.BigEndian.PutUint64(b[:8], uint64(assemblyID))
	binary.BigEndian.PutUint64(b[8:16], uint64(batchID))
	binary.BigEndian.PutUint32(b[16:], uint32(number))
	return b[:]
}

// sealCards stores the sealed plain codes of a new batch, numbered 1… in
// the order issued, in the issuing transaction.
func (s *Service) sealCards(ctx context.Context, tx pgx.Tx, assemblyID, batchID int64, codes []plainCode) error {
	hashes := make([][]byte, len(codes))
	numbers := make([]int32, len(codes))
	boxes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = hashQR(c.qr)
		numbers[i] = int32(i + 1)
		boxes[i] = s.key().Seal(cardLabel, []byte(c.qr+" "+c.short), cardAAD(assemblyID, batchID, i+1))
	}
	_, err := tx.Exec(ctx, `INSERT INTO code_cards (code_id, assembly_id, batch_id, number, sealed)
		SELECT c.id, $1, $2, x.n, x.box FROM unnest($3::bytea[], $4::int[], $5::bytea[]) AS x(h, n, box)
		JOIN codes c ON c.qr_hash = x.h`, assemblyID, batchID, hashes, numbers, boxes)
	return err
}

// Reprint is what a reprint answers: the cards again (their plain codes)
// and the numbers of the range left out because their code was used or
// revoked.
type Reprint struct {
	A       *assembly.Assembly
	Batch   int64
	Channel string
	Codes   []IssuedCode
	Skipped []int
}

// Reprint gives back the unused cards numbered from…to of a batch, while
// voting has not closed, and records it in the audit log (who, when, which
// batch and range). ENOTFOUND for a batch of another assembly or a range
// with no card; ECONFLICT when every card of the range was used or revoked,
// or once voting has closed; EINVALID for a bad range.
func (s *Service) Reprint(ctx context.Context, u *account.User, assemblyID, batchID int64, from, to int) (*Reprint, error) {
	if from < 1 || to < from || to-from >= MaxCodes {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "from", "code.reprint_range", MaxCodes)
	}
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, wrap("reprint", err)
	}
	defer tx.Rollback(ctx)
	// FOR SHARE: a close waits for the reprint (and erases after it); a
	// reprint after the close is refused.
	var st string
	if err := tx.QueryRow(ctx, `SELECT state FROM assemblies WHERE id = $1 FOR SHARE`, a.ID).Scan(&st); err != nil {
		return nil, wrap("reprint", err)
	}
	if st == assembly.StateClosed || st == assembly.StateAnnounced {
		return nil, maeul.Errorf(maeul.ECONFLICT, "code.reprint_closed")
	}
	var channel string
	err = tx.QueryRow(ctx, `SELECT channel FROM code_batches WHERE id = $1 AND assembly_id = $2`, batchID, a.ID).Scan(&channel)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.FieldErrorf(maeul.ENOTFOUND, "batch", "code.no_batch")
	}
	if err != nil {
		return nil, wrap("reprint", err)
	}
	// Every number of the range that was issued in this batch: the cards
	// still sealed, and the codes whose card is gone (revoked) or spent.
	rows, err := tx.Query(ctx, `SELECT n, k.sealed, coalesce(c.used, true), c.revoked_at IS NOT NULL
		FROM generate_series($2::int, least($3::int, (SELECT count FROM code_batches WHERE id = $1))) AS n
		LEFT JOIN code_cards k ON k.batch_id = $1 AND k.number = n
		LEFT JOIN codes c ON c.id = k.code_id
		ORDER BY n`, batchID, from, to)
	if err != nil {
		return nil, wrap("reprint", err)
	}
	out := &Reprint{A: a, Batch: batchID, Channel: channel}
	seen := 0
	for rows.Next() {
		var n int
		var box []byte
		var used, revoked bool
		if err := rows.Scan(&n, &box, &used, &revoked); err != nil {
			rows.Close()
			return nil, wrap("reprint", err)
		}
		seen++
		if box == nil || used || revoked {
			out.Skipped = append(out.Skipped, n)
			continue
		}
		plain, err := s.key().Open(cardLabel, box, cardAAD(a.ID, batchID, n))
		if err != nil {
			rows.Close()
			return nil, wrap("reprint: a sealed card does not open (is MAEUL_SECRET_FILE the one it was sealed with?)", err)
		}
		qr, short, ok := strings.Cut(string(plain), " ")
		if !ok {
			rows.Close()
			return nil, wrap("reprint", errors.New("a sealed card holds no code"))
		}
		out.Codes = append(out.Codes, IssuedCode{Code: qr, Short: GroupShort(short), URL: s.BallotURL(a.Slug, qr), Number: n})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("reprint", err)
	}
	if seen == 0 {
		return nil, maeul.FieldErrorf(maeul.ENOTFOUND, "from", "code.reprint_none")
	}
	if len(out.Codes) == 0 {
		return nil, maeul.FieldErrorf(maeul.ECONFLICT, "from", "code.reprint_used")
	}
	last := from + seen - 1
	if err := Audit(ctx, tx, u, a, "reprint", "audit.reprint", strconv.FormatInt(batchID, 10),
		strconv.Itoa(from), strconv.Itoa(last), strconv.Itoa(len(out.Codes)), strconv.Itoa(len(out.Skipped))); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, wrap("reprint", err)
	}
	return out, nil
}
