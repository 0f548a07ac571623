package execution

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// Office is a district's split of duties: its 실행 총괄 department (마을부서)
// and the date of its results sharing (성과공유회).
type Office struct {
	District            string     `json:"district"`
	ExecutionDepartment string     `json:"execution_department"`
	SharingDate         *time.Time `json:"sharing_date"`
}

// FindOffice returns the district's office (empty when never set).
func (s *Service) FindOffice(ctx context.Context, district string) (*Office, error) {
	o := &Office{District: district}
	err := s.pool.QueryRow(ctx, `SELECT execution_department, sharing_date FROM district_offices WHERE district = $1`, district).
		Scan(&o.ExecutionDepartment, &o.SharingDate)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, nil
	}
	return o, wrap("find office", err)
}

// SetOffice names the district's 실행 총괄 department and its sharing
// date (YYYY-MM-DD or ""): the district's own hosts only.
func (s *Service) SetOffice(ctx context.Context, u *account.User, district, department, sharingDate string) (*Office, error) {
	if u == nil || u.Role != account.RoleDistrict || u.District != district {
		return nil, account.Forbid()
	}
	dep, err := optional("execution_department", department, 100)
	if err != nil {
		return nil, err
	}
	var sd *time.Time
	if sharingDate != "" {
		t, err := parseDate("sharing_date", sharingDate)
		if err != nil {
			return nil, err
		}
		sd = &t
	}
	var arg any
	if sd != nil {
		arg = sd.Format("2006-01-02")
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO district_offices (district, execution_department, sharing_date, updated_by)
		VALUES ($1, $2, $3, $4) ON CONFLICT (district) DO UPDATE SET execution_department = $2, sharing_date = $3,
		updated_by = $4, updated_at = now()`, district, dep, arg, u.ID)
	if err != nil {
		return nil, wrap("set office", err)
	}
	return &Office{District: district, ExecutionDepartment: dep, SharingDate: sd}, nil
}

// Agreement is a 민-관 협약 made at the assembly.
type Agreement struct {
	ID       int64     `json:"id,string"`
	District string    `json:"district"`
	Dong     string    `json:"dong"`
	Year     int       `json:"year"`
	AgendaID *int64    `json:"agenda_id,string"`
	Parties  string    `json:"parties"`
	SignedOn time.Time `json:"signed_on"`
	FileID   *int64    `json:"file_id,string"`
}

// AgreementInput is an agreement as typed, with its optional file.
type AgreementInput struct {
	Dong     string `json:"dong"`
	Year     int    `json:"year"`
	AgendaID int64  `json:"agenda_id,string"`
	Parties  string `json:"parties"`
	SignedOn string `json:"signed_on"`
	FileName string `json:"-"`
	File     []byte `json:"-"`
}

// AddAgreement records a 민-관 협약 of a dong: the dong's host or the
// district's hosts and departments.
func (s *Service) AddAgreement(ctx context.Context, u *account.User, district string, in AgreementInput) (*Agreement, error) {
	if u == nil || u.District != district || district == "" ||
		!(u.CanManage(district, in.Dong) || ((u.Role == account.RoleDistrict || u.Role == account.RoleDepartment) && in.Dong != "")) {
		return nil, account.Forbid()
	}
	if err := checkYear(in.Year); err != nil {
		return nil, err
	}
	parties, err := required("parties", in.Parties, 1000)
	if err != nil {
		return nil, err
	}
	on, err := parseDate("signed_on", in.SignedOn)
	if err != nil {
		return nil, err
	}
	g := &Agreement{District: district, Dong: in.Dong, Year: in.Year, Parties: parties, SignedOn: on}
	if in.AgendaID != 0 {
		a, err := s.Approval(ctx, u, in.AgendaID)
		if err != nil || a.Dong != in.Dong {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "agenda_id", "execution.not_found")
		}
		g.AgendaID = &in.AgendaID
	}
	var ct string
	if in.File != nil {
		if ct, err = sniff(in.File); err != nil {
			return nil, err
		}
	}
	err = s.inTx(ctx, "add agreement", func(tx pgx.Tx) error {
		if in.File != nil {
			name, err := required("file", in.FileName, 200)
			if err != nil {
				name = "협약서"
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO execution_files (district, dong, name, content_type, data, created_by)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, district, in.Dong, name, ct, in.File, u.ID).Scan(&id); err != nil {
				return err
			}
			g.FileID = &id
		}
		return tx.QueryRow(ctx, `INSERT INTO agreements (district, dong, year, agenda_id, parties, signed_on, file_id, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, district, in.Dong, in.Year, g.AgendaID, parties,
			on.Format("2006-01-02"), g.FileID, u.ID).Scan(&g.ID)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Agreements lists a dong's agreements of a year (dong "" : the district's).
func (s *Service) Agreements(ctx context.Context, u *account.User, district, dong string, year int) ([]Agreement, error) {
	if !readsDong(u, district, dong) || (dong == "" && !readsDistrict(u, district)) {
		return nil, account.Forbid()
	}
	// A department sees the agreements of its own agendas only.
	where, args := "TRUE", []any{}
	if u.Role == account.RoleDepartment {
		where, args = scope(u, "p", 4)
		where = "EXISTS (SELECT 1 FROM approvals p WHERE p.agenda_id = g.agenda_id AND " + where + ")"
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, district, dong, year, agenda_id, parties, signed_on, file_id FROM agreements g
		WHERE district = $1 AND ($2 = '' OR dong = $2) AND year = $3 AND `+where+` ORDER BY dong, signed_on, id`,
		append([]any{district, dong, year}, args...)...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Agreement])
	return list, wrap("agreements", err)
}
