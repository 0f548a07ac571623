package planning

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// MaxRulesFile is the largest 운영규칙 file kept (5 MiB).
const MaxRulesFile = 5 << 20

// Organisation is a council's 서식 2-3 for one plan year.
type Organisation struct {
	District        string     `db:"district" json:"district"`
	Dong            string     `db:"dong" json:"dong"`
	PlanYear        int        `db:"plan_year" json:"year"`
	HasRep          bool       `db:"has_rep" json:"has_rep"`
	RepMethod       string     `db:"rep_method" json:"rep_method"`
	HasBoard        bool       `db:"has_board" json:"has_board"`
	BoardMethod     string     `db:"board_method" json:"board_method"`
	BoardMembers    string     `db:"board_members" json:"board_members"`
	Subcommittees   []string   `db:"subcommittees" json:"subcommittees"`
	RulesText       string     `db:"rules_text" json:"rules_text"`
	RulesFileName   string     `db:"rules_file_name" json:"rules_file_name"`
	Secretaries     int        `db:"secretaries" json:"secretaries"`
	SecretaryRole   string     `db:"secretary_role" json:"secretary_role"`
	SecretaryMethod string     `db:"secretary_method" json:"secretary_method"`
	LaunchDate      *time.Time `db:"launch_date" json:"-"`
	UpdatedAt       time.Time  `db:"updated_at" json:"updated_at"`
}

// LaunchDay is the 발대식 date as YYYY-MM-DD, or "".
func (o *Organisation) LaunchDay() string {
	if o.LaunchDate == nil {
		return ""
	}
	return o.LaunchDate.Format("2006-01-02")
}

// OrganisationInput is what the dong files; Launch is YYYY-MM-DD or "".
// A nil RulesFile keeps the file kept (unless DropFile).
type OrganisationInput struct {
	HasRep          bool     `json:"has_rep"`
	RepMethod       string   `json:"rep_method"`
	HasBoard        bool     `json:"has_board"`
	BoardMethod     string   `json:"board_method"`
	BoardMembers    string   `json:"board_members"`
	Subcommittees   []string `json:"subcommittees"`
	RulesText       string   `json:"rules_text"`
	Secretaries     int      `json:"secretaries"`
	SecretaryRole   string   `json:"secretary_role"`
	SecretaryMethod string   `json:"secretary_method"`
	Launch          string   `json:"launch_date"`
	RulesFile       []byte   `json:"-"`
	RulesFileName   string   `json:"-"`
	RulesFileType   string   `json:"-"`
	DropFile        bool     `json:"-"`
}

const orgCols = `district, dong, plan_year, has_rep, rep_method, has_board, board_method, board_members, subcommittees,
	rules_text, rules_file_name, secretaries, secretary_role, secretary_method, launch_date, updated_at`

// readableDong resolves whose dong u reads: a dong host its own; the
// district and the city the one named (the district within its own).
func readableDong(u *account.User, district, dong string) (string, string, error) {
	if u != nil && u.Role == account.RoleDong {
		return u.District, u.Dong, nil
	}
	if district == "" || dong == "" {
		return "", "", maeul.FieldErrorf(maeul.EINVALID, "dong", "planning.need_dong")
	}
	if !u.CanRead(district, dong) {
		return "", "", account.Forbid()
	}
	return district, dong, nil
}

// Organisation returns a dong's 서식 2-3 of the year, or nil when none was
// filed.
func (s *Service) Organisation(ctx context.Context, u *account.User, year int, district, dong string) (*Organisation, error) {
	district, dong, err := readableDong(u, district, dong)
	if err != nil {
		return nil, err
	}
	o, err := s.organisation(ctx, year, district, dong)
	return o, wrap("organisation", err)
}

func (s *Service) organisation(ctx context.Context, year int, district, dong string) (*Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+orgCols+` FROM planning_organisations
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year)
	o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Organisation])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return o, err
}

// SaveOrganisation files (or refiles) the dong's 서식 2-3; dong hosts only.
func (s *Service) SaveOrganisation(ctx context.Context, u *account.User, year int, in OrganisationInput) (*Organisation, error) {
	if u == nil || u.Role != account.RoleDong {
		return nil, account.Forbid()
	}
	if year < 2000 || year > 2100 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "year", "planning.bad_year")
	}
	for _, t := range []struct {
		s     *string
		field string
		max   int
	}{{&in.RepMethod, "rep_method", maxLong}, {&in.BoardMethod, "board_method", maxLong}, {&in.BoardMembers, "board_members", maxLong},
		{&in.RulesText, "rules_text", 20000}, {&in.SecretaryRole, "secretary_role", maxLong}, {&in.SecretaryMethod, "secretary_method", maxLong}} {
		*t.s = strings.TrimSpace(*t.s)
		if utf8.RuneCountInString(*t.s) > t.max {
			return nil, maeul.FieldErrorf(maeul.EINVALID, t.field, "planning.too_long", t.max)
		}
	}
	var subs []string
	seen := map[string]bool{}
	for _, x := range in.Subcommittees {
		x = strings.TrimSpace(x)
		if x == "" || seen[x] {
			continue
		}
		if utf8.RuneCountInString(x) > maxShort {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "subcommittees", "planning.too_long", maxShort)
		}
		seen[x] = true
		subs = append(subs, x)
	}
	if len(subs) > 30 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "subcommittees", "planning.org.too_many")
	}
	if subs == nil {
		subs = []string{}
	}
	if in.Secretaries < 0 || in.Secretaries > 100 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "secretaries", "planning.org.bad_secretaries")
	}
	var launch *time.Time
	if d := strings.TrimSpace(in.Launch); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, Seoul)
		if err != nil {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "launch_date", "planning.org.bad_date")
		}
		launch = &t
	}
	if len(in.RulesFile) > MaxRulesFile {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "rules_file", "planning.org.file_too_big", MaxRulesFile>>20)
	}
	// keep: 0 keeps the stored file, 1 sets the new one, 2 drops it.
	keep := 0
	switch {
	case in.RulesFile != nil:
		keep = 1
	case in.DropFile:
		keep = 2
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO planning_organisations AS o (district, dong, plan_year, has_rep, rep_method,
		has_board, board_method, board_members, subcommittees, rules_text, secretaries, secretary_role, secretary_method,
		launch_date, rules_file, rules_file_name, rules_file_type, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
			CASE WHEN $15::int = 1 THEN $16::bytea END, CASE WHEN $15::int = 1 THEN $17 ELSE '' END, CASE WHEN $15::int = 1 THEN $18 ELSE '' END, $19)
		ON CONFLICT (district, dong, plan_year) DO UPDATE SET has_rep = EXCLUDED.has_rep, rep_method = EXCLUDED.rep_method,
			has_board = EXCLUDED.has_board, board_method = EXCLUDED.board_method, board_members = EXCLUDED.board_members,
			subcommittees = EXCLUDED.subcommittees, rules_text = EXCLUDED.rules_text, secretaries = EXCLUDED.secretaries,
			secretary_role = EXCLUDED.secretary_role, secretary_method = EXCLUDED.secretary_method, launch_date = EXCLUDED.launch_date,
			rules_file = CASE WHEN $15::int = 0 THEN o.rules_file ELSE EXCLUDED.rules_file END,
			rules_file_name = CASE WHEN $15::int = 0 THEN o.rules_file_name ELSE EXCLUDED.rules_file_name END,
			rules_file_type = CASE WHEN $15::int = 0 THEN o.rules_file_type ELSE EXCLUDED.rules_file_type END,
			updated_by = EXCLUDED.updated_by, updated_at = now()
		RETURNING `+orgCols,
		u.District, u.Dong, year, in.HasRep, in.RepMethod, in.HasBoard, in.BoardMethod, in.BoardMembers, subs, in.RulesText,
		in.Secretaries, in.SecretaryRole, in.SecretaryMethod, launch, keep, in.RulesFile, in.RulesFileName, in.RulesFileType, u.ID)
	o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Organisation])
	return o, wrap("save organisation", err)
}

// RulesFile returns the 운영규칙 file: name, type, bytes (ENOTFOUND: none).
func (s *Service) RulesFile(ctx context.Context, u *account.User, year int, district, dong string) (string, string, []byte, error) {
	district, dong, err := readableDong(u, district, dong)
	if err != nil {
		return "", "", nil, err
	}
	var name, typ string
	var data []byte
	err = s.pool.QueryRow(ctx, `SELECT rules_file_name, rules_file_type, rules_file FROM planning_organisations
		WHERE district = $1 AND dong = $2 AND plan_year = $3 AND rules_file IS NOT NULL`, district, dong, year).Scan(&name, &typ, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", nil, maeul.Errorf(maeul.ENOTFOUND, "planning.org.no_file")
	}
	return name, typ, data, wrap("rules file", err)
}

// Subcommittees is the 분과 list of a dong's plan year (nil: none filed);
// the agenda form offers it as a select.
func (s *Service) Subcommittees(ctx context.Context, district, dong string, year int) ([]string, error) {
	o, err := s.organisation(ctx, year, district, dong)
	if err != nil || o == nil {
		return nil, wrap("subcommittees", err)
	}
	return o.Subcommittees, nil
}

// OrganisationDoneAt is when a dong last filed its 서식 2-3 of the year, or
// nil. For the timeline.
func (s *Service) OrganisationDoneAt(ctx context.Context, year int, district, dong string) (*time.Time, error) {
	o, err := s.organisation(ctx, year, district, dong)
	if err != nil || o == nil {
		return nil, wrap("organisation done at", err)
	}
	return &o.UpdatedAt, nil
}
