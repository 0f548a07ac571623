package registration

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/voting"
)

// Kiosk is a staffed tablet at the venue, opened by a secret link (like a
// projector link): only the token's hash is kept; revocable.
type Kiosk struct {
	ID        int64      `json:"id,string" db:"id"`
	Label     string     `json:"label" db:"label"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty" db:"revoked_at"`
}

func hashKiosk(tok string) []byte {
	h := sha256.Sum256([]byte("maeul kiosk v1:" + tok))
	return h[:]
}

// CreateKiosk makes a kiosk link and returns its token (shown once).
// EINVALID for a label over 100 characters.
func (s *Service) CreateKiosk(ctx context.Context, u *account.User, assemblyID int64, label string) (*assembly.Assembly, string, *Kiosk, error) {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return nil, "", nil, err
	}
	label = strings.TrimSpace(label)
	if len([]rune(label)) > 100 {
		return nil, "", nil, maeul.FieldErrorf(maeul.EINVALID, "label", "kiosk.label_long")
	}
	b := make([]byte, 24)
	rand.Read(b)
	tok := "kt_" + base64.RawURLEncoding.EncodeToString(b)
	rows, _ := s.pool.Query(ctx, `INSERT INTO kiosks (assembly_id, label, token_hash, created_by) VALUES ($1, $2, $3, $4)
		RETURNING id, label, created_at, revoked_at`, a.ID, label, hashKiosk(tok), u.ID)
	k, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Kiosk])
	if err != nil {
		return nil, "", nil, wrap("create kiosk", err)
	}
	return a, tok, k, nil
}

// Kiosks lists an assembly's kiosks, the newest first.
func (s *Service) Kiosks(ctx context.Context, u *account.User, assemblyID int64) (*assembly.Assembly, []Kiosk, error) {
	a, err := s.readable(ctx, u, assemblyID)
	if err != nil {
		return nil, nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, label, created_at, revoked_at FROM kiosks WHERE assembly_id = $1 ORDER BY id DESC`, a.ID)
	ks, err := pgx.CollectRows(rows, pgx.RowToStructByName[Kiosk])
	if ks == nil {
		ks = []Kiosk{}
	}
	return a, ks, wrap("find kiosks", err)
}

// RevokeKiosk stops a kiosk link from working (its next request is refused).
func (s *Service) RevokeKiosk(ctx context.Context, u *account.User, assemblyID, kioskID int64) error {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE kiosks SET revoked_at = now() WHERE assembly_id = $1 AND id = $2 AND revoked_at IS NULL`, a.ID, kioskID)
	if err != nil {
		return wrap("revoke kiosk", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "kiosk.not_found")
	}
	return nil
}

// KioskAssembly returns the assembly a kiosk token opens (by slug).
// ENOTFOUND for an unknown, revoked or other assembly's token (the same
// answer for each, so a token cannot be probed).
func (s *Service) KioskAssembly(ctx context.Context, slug, tok string) (*assembly.Assembly, error) {
	notFound := maeul.Errorf(maeul.ENOTFOUND, "kiosk.not_found")
	if tok == "" || len(tok) > 100 {
		return nil, notFound
	}
	a, err := assembly.FindAssemblyBySlug(ctx, s.pool, slug)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, wrap("find assembly", err)
	}
	var id int64
	err = s.pool.QueryRow(ctx, `SELECT id FROM kiosks WHERE token_hash = $1 AND assembly_id = $2 AND revoked_at IS NULL`,
		hashKiosk(tok), a.ID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, wrap("check kiosk", err)
	}
	return a, nil
}

// RegisterAtKiosk registers a person at the venue from a kiosk (channel
// onsite) and returns their code for the kiosk's ballot.
func (s *Service) RegisterAtKiosk(ctx context.Context, slug, tok string, p Person) (*assembly.Assembly, *Registered, error) {
	a, err := s.KioskAssembly(ctx, slug, tok)
	if err != nil {
		return nil, nil, err
	}
	p.Channel, p.Booth = ChannelOnsite, 0
	r, err := s.register(ctx, a, nil, p)
	return a, r, err
}

// KioskBallot returns what a kiosk shows: the assembly its token opens and
// the agendas of its ballot.
func (s *Service) KioskBallot(ctx context.Context, slug, tok string) (*assembly.Assembly, []assembly.Agenda, []voting.Question, error) {
	a, err := s.KioskAssembly(ctx, slug, tok)
	if err != nil {
		return nil, nil, nil, err
	}
	gs, err := assembly.FindAgendas(ctx, s.pool, a.ID)
	if err != nil {
		return nil, nil, nil, wrap("find agendas", err)
	}
	qs, err := voting.FindQuestions(ctx, s.pool, a.ID)
	if err != nil {
		return nil, nil, nil, wrap("find questions", err)
	}
	return a, gs, qs, nil
}
