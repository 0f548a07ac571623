package registration

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/database"
)

// Booth is an early booth (사전투표소): a place and a time window. Codes
// issued there work only inside the window.
type Booth struct {
	ID         int64     `json:"id,string" db:"id"`
	AssemblyID int64     `json:"-" db:"assembly_id"`
	Place      string    `json:"place" db:"place"`
	StartsAt   time.Time `json:"starts_at" db:"starts_at"`
	EndsAt     time.Time `json:"ends_at" db:"ends_at"`
}

// Open reports whether the booth takes ballots at t.
func (b *Booth) Open(t time.Time) bool { return !t.Before(b.StartsAt) && t.Before(b.EndsAt) }

// BoothInput is a booth as a host writes it.
type BoothInput struct {
	Place    string    `json:"place"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
}

const boothCols = `id, assembly_id, place, starts_at, ends_at`

// Booths lists an assembly's booths by start.
func (s *Service) Booths(ctx context.Context, u *account.User, assemblyID int64) (*assembly.Assembly, []Booth, error) {
	a, err := s.readable(ctx, u, assemblyID)
	if err != nil {
		return nil, nil, err
	}
	bs, err := boothsOf(ctx, s.pool, a.ID)
	return a, bs, err
}

func boothsOf(ctx context.Context, q assembly.Querier, assemblyID int64) ([]Booth, error) {
	rows, _ := q.Query(ctx, `SELECT `+boothCols+` FROM booths WHERE assembly_id = $1 ORDER BY starts_at, id`, assemblyID)
	bs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Booth])
	if bs == nil {
		bs = []Booth{}
	}
	return bs, wrap("find booths", err)
}

func findBooth(ctx context.Context, q assembly.Querier, assemblyID, id int64) (*Booth, error) {
	rows, _ := q.Query(ctx, `SELECT `+boothCols+` FROM booths WHERE assembly_id = $1 AND id = $2`, assemblyID, id)
	b, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Booth])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "booth.not_found")
	}
	return b, wrap("find booth", err)
}

// boothsEditable refuses changes once voting opened: the booths decide the
// day on which the minimum age is reached, and codes point to them.
func boothsEditable(a *assembly.Assembly) error {
	if a.State != assembly.StateDraft && a.State != assembly.StatePublished {
		return maeul.Errorf(maeul.ECONFLICT, "booth.frozen")
	}
	return nil
}

func checkBooth(a *assembly.Assembly, in *BoothInput) error {
	in.Place = strings.TrimSpace(in.Place)
	switch {
	case in.Place == "":
		return maeul.FieldErrorf(maeul.EINVALID, "place", "booth.no_place")
	case len([]rune(in.Place)) > 100:
		return maeul.FieldErrorf(maeul.EINVALID, "place", "booth.place_long")
	case in.StartsAt.IsZero():
		return maeul.FieldErrorf(maeul.EINVALID, "starts_at", "booth.no_start")
	case !in.EndsAt.After(in.StartsAt):
		return maeul.FieldErrorf(maeul.EINVALID, "ends_at", "booth.bad_window")
	case in.EndsAt.After(a.EndsAt):
		return maeul.FieldErrorf(maeul.EINVALID, "ends_at", "booth.after_assembly")
	}
	return nil
}

// CreateBooth adds an early booth. EINVALID for a missing place or a window
// that ends before it starts or after the assembly; ECONFLICT once voting
// opened.
func (s *Service) CreateBooth(ctx context.Context, u *account.User, assemblyID int64, in BoothInput) (*Booth, error) {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return nil, err
	}
	if err := boothsEditable(a); err != nil {
		return nil, err
	}
	if err := checkBooth(a, &in); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO booths (assembly_id, place, starts_at, ends_at) VALUES ($1, $2, $3, $4)
		RETURNING `+boothCols, a.ID, in.Place, in.StartsAt, in.EndsAt)
	b, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Booth])
	if err != nil {
		return nil, wrap("create booth", err)
	}
	s.OnChange(a.ID)
	return b, nil
}

// UpdateBooth changes a booth's place and window (as CreateBooth).
func (s *Service) UpdateBooth(ctx context.Context, u *account.User, assemblyID, boothID int64, in BoothInput) (*Booth, error) {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return nil, err
	}
	if err := boothsEditable(a); err != nil {
		return nil, err
	}
	if err := checkBooth(a, &in); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `UPDATE booths SET place = $3, starts_at = $4, ends_at = $5
		WHERE assembly_id = $1 AND id = $2 RETURNING `+boothCols, a.ID, boothID, in.Place, in.StartsAt, in.EndsAt)
	b, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Booth])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "booth.not_found")
	}
	return b, wrap("update booth", err)
}

// DeleteBooth removes a booth. ECONFLICT once voting opened or when people
// were registered or codes issued there.
func (s *Service) DeleteBooth(ctx context.Context, u *account.User, assemblyID, boothID int64) error {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return err
	}
	if err := boothsEditable(a); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM booths WHERE assembly_id = $1 AND id = $2`, a.ID, boothID)
	if database.PgCode(err) == "23503" {
		return maeul.Errorf(maeul.ECONFLICT, "booth.in_use")
	}
	if err != nil {
		return wrap("delete booth", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "booth.not_found")
	}
	s.OnChange(a.ID)
	return nil
}
