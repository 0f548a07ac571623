package council

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
)

// Service is the domain half of the package: the roster rules (roster.go),
// the stored rosters (this file) and the data of 서식 2-1 (sheet.go). It
// knows nothing of HTTP.
type Service struct {
	pool *pgxpool.Pool
}

// NewService returns the council service on pool.
func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

// Roster is a dong council's stored roster of one plan year.
type Roster struct {
	ID          int64   `db:"id"`
	District    string  `db:"district"`
	Dong        string  `db:"dong"`
	PlanYear    int     `db:"plan_year"`
	CouncilType *string `db:"council_type"`
	// Chatdong: the council is a 찾동 마을계획단 (exempt from the rules).
	Chatdong bool `db:"chatdong"`
	Counts
	KeepNames  bool      `db:"keep_names"`
	UploadedAt time.Time `db:"uploaded_at"`
}

// Type returns the council type or "".
func (r *Roster) Type() string {
	if r.CouncilType == nil {
		return ""
	}
	return *r.CouncilType
}

// Upload is one accepted member list.
type Upload struct {
	District, Dong string
	PlanYear       int
	CouncilType    string // "", planned, autonomous
	KeepNames      bool
	UploadedBy     int64
	Members        []Member
}

const rosterCols = `id, district, dong, plan_year, council_type, chatdong, total, male, female, committee, tong, ban,
	general, age_39_under, age_40s, age_50s, age_60s, age_70_over, keep_names, uploaded_at`

// councilType checks a council type; "" is stored as NULL.
func councilType(typ string) (*string, error) {
	switch typ {
	case "":
		return nil, nil
	case TypePlanned, TypeAutonomous:
		return &typ, nil
	}
	return nil, maeul.FieldErrorf(maeul.EINVALID, "council_type", "council.err.type")
}

// Save replaces the dong's roster of the plan year in one transaction: the
// counts always, the members' rows only when KeepNames. Returns EINVALID for
// a bad council type or an empty list.
func (s *Service) Save(ctx context.Context, u Upload) (*Roster, error) {
	if len(u.Members) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.no_members")
	}
	ct, err := councilType(u.CouncilType)
	if err != nil {
		return nil, err
	}
	r, err := s.save(ctx, u, ct)
	if err != nil {
		return nil, fmt.Errorf("council: save roster: %w", err)
	}
	return r, nil
}

func (s *Service) save(ctx context.Context, u Upload, ct *string) (*Roster, error) {
	c := Count(u.Members, u.PlanYear)
	var by *int64
	if u.UploadedBy != 0 {
		by = &u.UploadedBy
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	// The old list goes first: its names must not outlive a new upload.
	if _, err := tx.Exec(ctx, `DELETE FROM council_members m USING council_rosters r
		WHERE m.roster_id = r.id AND r.district = $1 AND r.dong = $2 AND r.plan_year = $3`,
		u.District, u.Dong, u.PlanYear); err != nil {
		return nil, err
	}
	rows, _ := tx.Query(ctx, `INSERT INTO council_rosters (district, dong, plan_year, council_type, total, male, female,
		committee, tong, ban, general, age_39_under, age_40s, age_50s, age_60s, age_70_over, keep_names, uploaded_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
		ON CONFLICT ON CONSTRAINT council_rosters_dong_year DO UPDATE SET council_type = EXCLUDED.council_type,
			total = EXCLUDED.total, male = EXCLUDED.male, female = EXCLUDED.female, committee = EXCLUDED.committee,
			tong = EXCLUDED.tong, ban = EXCLUDED.ban, general = EXCLUDED.general, age_39_under = EXCLUDED.age_39_under,
			age_40s = EXCLUDED.age_40s, age_50s = EXCLUDED.age_50s, age_60s = EXCLUDED.age_60s,
			age_70_over = EXCLUDED.age_70_over, keep_names = EXCLUDED.keep_names, uploaded_by = EXCLUDED.uploaded_by,
			uploaded_at = now()
		RETURNING `+rosterCols,
		u.District, u.Dong, u.PlanYear, ct, c.Total, c.Male, c.Female, c.Committee, c.Tong, c.Ban, c.General,
		c.Age39, c.Age40s, c.Age50s, c.Age60s, c.Age70, u.KeepNames, by)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Roster])
	if err != nil {
		return nil, err
	}
	if u.KeepNames {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"council_members"},
			[]string{"roster_id", "row_no", "name", "gender", "birth_year", "affiliation"},
			pgx.CopyFromSlice(len(u.Members), func(i int) ([]any, error) {
				m := u.Members[i]
				return []any{r.ID, m.Row, m.Name, m.Gender, m.BirthYear, m.Affiliation}, nil
			}))
		if err != nil {
			return nil, err
		}
	}
	return r, tx.Commit(ctx)
}

// Find returns the dong's roster of the plan year, or ENOTFOUND.
func (s *Service) Find(ctx context.Context, district, dong string, year int) (*Roster, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+rosterCols+` FROM council_rosters
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Roster])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "council.err.no_roster")
	}
	if err != nil {
		return nil, fmt.Errorf("council: find roster: %w", err)
	}
	return r, nil
}

// List returns the rosters of a plan year a district host (district set) or
// the city (district "") may read, by district and dong.
func (s *Service) List(ctx context.Context, district string, year int) ([]*Roster, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+rosterCols+` FROM council_rosters
		WHERE plan_year = $2 AND ($1 = '' OR district = $1) ORDER BY district, dong`, district, year)
	rs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Roster])
	if err != nil {
		return nil, fmt.Errorf("council: list rosters: %w", err)
	}
	return rs, nil
}

// Members returns the kept names of a roster in file order (none when the
// host did not keep them).
func (s *Service) Members(ctx context.Context, rosterID int64) ([]Member, error) {
	rows, _ := s.pool.Query(ctx, `SELECT row_no, name, gender, birth_year, affiliation FROM council_members
		WHERE roster_id = $1 ORDER BY row_no`, rosterID)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[Member])
	if err != nil {
		return nil, fmt.Errorf("council: roster members: %w", err)
	}
	return ms, nil
}

// DeleteNames removes the kept names of the dong's roster of the plan year;
// the counts stay. Returns ENOTFOUND if there is no such roster.
func (s *Service) DeleteNames(ctx context.Context, district, dong string, year int) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM council_rosters WHERE district = $1 AND dong = $2 AND plan_year = $3 FOR UPDATE`,
			district, dong, year).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ENOTFOUND, "council.err.no_roster")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM council_members WHERE roster_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE council_rosters SET keep_names = false WHERE id = $1`, id)
		return err
	})
	var me *maeul.Error
	if err != nil && !errors.As(err, &me) {
		return fmt.Errorf("council: delete names: %w", err)
	}
	return err
}

// SetType changes the council type printed on 서식 2-1 ("" leaves both boxes
// empty). Returns ENOTFOUND without a roster, EINVALID for a bad type.
func (s *Service) SetType(ctx context.Context, district, dong string, year int, typ string) error {
	ct, err := councilType(typ)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE council_rosters SET council_type = $4
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year, ct)
	if err != nil {
		return fmt.Errorf("council: set type: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "council.err.no_roster")
	}
	return nil
}

// SetChatdong marks the council as a 찾동 마을계획단 or not. Returns ENOTFOUND
// without a roster.
func (s *Service) SetChatdong(ctx context.Context, district, dong string, year int, on bool) error {
	tag, err := s.pool.Exec(ctx, `UPDATE council_rosters SET chatdong = $4
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year, on)
	if err != nil {
		return fmt.Errorf("council: set chatdong: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "council.err.no_roster")
	}
	return nil
}
