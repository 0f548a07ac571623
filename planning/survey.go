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
	"maeul/assembly"
)

// Survey categories (서식 2-4), in the order of the form.
var SurveyCategories = []string{"human", "natural", "physical", "social", "historical", "improvement"}

// Entry is one finding of the resource survey.
type Entry struct {
	ID        int64     `db:"id" json:"id"`
	Category  string    `db:"category" json:"category"`
	Team      string    `db:"team" json:"team"`
	Place     string    `db:"place" json:"place"`
	Detail    string    `db:"detail" json:"detail"`
	HasPhoto  bool      `db:"has_photo" json:"has_photo"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// EntryInput is a new finding; Photo is an uploaded image (or nil).
type EntryInput struct {
	Category string `json:"category"`
	Team     string `json:"team"`
	Place    string `json:"place"`
	Detail   string `json:"detail"`
	Photo    []byte `json:"-"`
}

// DongStatus is the 동주민센터's 동 현황 material.
type DongStatus struct {
	Population *int      `db:"population" json:"population"`
	Households *int      `db:"households" json:"households"`
	Facilities string    `db:"facilities" json:"facilities"`
	Statistics string    `db:"statistics" json:"statistics"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

// StatusFile is a file of the 동 현황 (listed without its bytes).
type StatusFile struct {
	ID   int64  `db:"id" json:"id"`
	Name string `db:"name" json:"name"`
	Size int    `db:"size" json:"size"`
}

// Discovered is a 발굴의제: recorded from the survey, and once made into a
// draft the agenda it became.
type Discovered struct {
	ID          int64   `db:"id" json:"id"`
	Title       string  `db:"title" json:"title"`
	Description string  `db:"description" json:"description"`
	EntryID     *int64  `db:"entry_id" json:"entry"`
	AgendaID    *int64  `db:"agenda_id" json:"agenda"`
	Category    *string `db:"category" json:"category"`
	Place       *string `db:"place" json:"place"`
}

// Survey is a dong's survey of a plan year.
type Survey struct {
	District, Dong string
	Year           int
	Entries        []Entry
	Status         *DongStatus
	Files          []StatusFile
	Discovered     []Discovered
}

func (s *Service) dongHost(u *account.User) error {
	if u == nil || u.Role != account.RoleDong {
		return account.Forbid()
	}
	return nil
}

func trimmed(p *string, field string, max int, need bool) error {
	*p = strings.TrimSpace(*p)
	if need && *p == "" {
		return maeul.FieldErrorf(maeul.EINVALID, field, "planning.survey.need."+field)
	}
	if utf8.RuneCountInString(*p) > max {
		return maeul.FieldErrorf(maeul.EINVALID, field, "planning.too_long", max)
	}
	return nil
}

// AddEntry records a finding; the photo goes through the agenda photos'
// checks and re-encoding (assembly.ResizePhotoAs: no EXIF kept).
func (s *Service) AddEntry(ctx context.Context, u *account.User, year int, in EntryInput) (*Entry, error) {
	if err := s.dongHost(u); err != nil {
		return nil, err
	}
	if !contains(SurveyCategories, in.Category) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "category", "planning.survey.bad_category")
	}
	for _, e := range []error{trimmed(&in.Team, "team", maxShort, false), trimmed(&in.Place, "place", maxShort, false),
		trimmed(&in.Detail, "detail", maxLong, true)} {
		if e != nil {
			return nil, e
		}
	}
	var photo []byte
	if len(in.Photo) > 0 {
		var err error
		if photo, _, _, err = assembly.ResizePhotoAs(u.ID, in.Photo); err != nil {
			return nil, err
		}
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO planning_survey_entries (district, dong, plan_year, category, team, place, detail, photo, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id, category, team, place, detail, photo IS NOT NULL AS has_photo, created_at`,
		u.District, u.Dong, year, in.Category, in.Team, in.Place, in.Detail, photo, u.ID)
	e, err := one[Entry](rows, "planning.not_found")
	return e, wrap("add entry", err)
}

// EntryPhoto returns an entry's photo (JPEG) for those who read the dong.
func (s *Service) EntryPhoto(ctx context.Context, u *account.User, id int64) ([]byte, error) {
	var district, dong string
	var photo []byte
	err := s.pool.QueryRow(ctx, `SELECT district, dong, photo FROM planning_survey_entries WHERE id = $1 AND photo IS NOT NULL`, id).
		Scan(&district, &dong, &photo)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "planning.not_found")
	}
	if err != nil {
		return nil, wrap("entry photo", err)
	}
	if !u.CanRead(district, dong) {
		return nil, account.Forbid()
	}
	return photo, nil
}

// SaveDongStatus files the 동 현황 figures and text.
func (s *Service) SaveDongStatus(ctx context.Context, u *account.User, year int, in DongStatus) error {
	if err := s.dongHost(u); err != nil {
		return err
	}
	if (in.Population != nil && *in.Population < 0) || (in.Households != nil && *in.Households < 0) {
		return maeul.FieldErrorf(maeul.EINVALID, "population", "planning.survey.bad_number")
	}
	if err := trimmed(&in.Facilities, "facilities", 20000, false); err != nil {
		return err
	}
	if err := trimmed(&in.Statistics, "statistics", 20000, false); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO planning_dong_status (district, dong, plan_year, population, households, facilities, statistics)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (district, dong, plan_year) DO UPDATE
		SET population = EXCLUDED.population, households = EXCLUDED.households, facilities = EXCLUDED.facilities,
			statistics = EXCLUDED.statistics, updated_at = now()`,
		u.District, u.Dong, year, in.Population, in.Households, in.Facilities, in.Statistics)
	return wrap("save dong status", err)
}

// AddStatusFile keeps a file of the 동 현황 (≤ 5 MiB).
func (s *Service) AddStatusFile(ctx context.Context, u *account.User, year int, name string, data []byte) error {
	if err := s.dongHost(u); err != nil {
		return err
	}
	if len(data) == 0 || len(data) > MaxRulesFile {
		return maeul.FieldErrorf(maeul.EINVALID, "file", "planning.org.file_too_big", MaxRulesFile>>20)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO planning_status_files (district, dong, plan_year, name, data) VALUES ($1, $2, $3, $4, $5)`,
		u.District, u.Dong, year, name, data)
	return wrap("add status file", err)
}

// StatusFileData returns a 동 현황 file's name and bytes.
func (s *Service) StatusFileData(ctx context.Context, u *account.User, id int64) (string, []byte, error) {
	var district, dong, name string
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT district, dong, name, data FROM planning_status_files WHERE id = $1`, id).
		Scan(&district, &dong, &name, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, maeul.Errorf(maeul.ENOTFOUND, "planning.not_found")
	}
	if err != nil {
		return "", nil, wrap("status file", err)
	}
	if !u.CanRead(district, dong) {
		return "", nil, account.Forbid()
	}
	return name, data, nil
}

// AddDiscovered records a 발굴의제, optionally from an entry of the dong.
func (s *Service) AddDiscovered(ctx context.Context, u *account.User, year int, title, description string, entryID int64) (*Discovered, error) {
	if err := s.dongHost(u); err != nil {
		return nil, err
	}
	if err := trimmed(&title, "title", 200, true); err != nil {
		return nil, err
	}
	if err := trimmed(&description, "description", maxLong, false); err != nil {
		return nil, err
	}
	var entry *int64
	if entryID != 0 {
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM planning_survey_entries WHERE id = $1 AND district = $2 AND dong = $3 AND plan_year = $4`,
			entryID, u.District, u.Dong, year).Scan(&n); err != nil {
			return nil, wrap("add discovered", err)
		}
		if n == 0 {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "entry", "planning.survey.bad_entry")
		}
		entry = &entryID
	}
	var id int64
	if err := s.pool.QueryRow(ctx, `INSERT INTO planning_discovered (district, dong, plan_year, title, description, entry_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.District, u.Dong, year, title, description, entry).Scan(&id); err != nil {
		return nil, wrap("add discovered", err)
	}
	return s.discovered(ctx, id)
}

const discoveredSQL = `SELECT d.id, d.title, d.description, d.entry_id, d.agenda_id, e.category, e.place
	FROM planning_discovered d LEFT JOIN planning_survey_entries e ON e.id = d.entry_id`

func (s *Service) discovered(ctx context.Context, id int64) (*Discovered, error) {
	rows, _ := s.pool.Query(ctx, discoveredSQL+` WHERE d.id = $1`, id)
	d, err := one[Discovered](rows, "planning.not_found")
	return d, wrap("discovered", err)
}

// MakeDraft turns a 발굴의제 into a draft agenda (실행계획서, 1차) of one of
// the dong's assemblies (assemblyID 0: its latest draft assembly of the
// year), in one action; the 발굴의제 keeps the agenda it became.
// ECONFLICT when it became one already.
func (s *Service) MakeDraft(ctx context.Context, u *account.User, discoveredID, assemblyID int64) (*assembly.Agenda, error) {
	if err := s.dongHost(u); err != nil {
		return nil, err
	}
	var year int
	var district, dong string
	var made *int64
	err := s.pool.QueryRow(ctx, `SELECT district, dong, plan_year, agenda_id FROM planning_discovered WHERE id = $1`, discoveredID).
		Scan(&district, &dong, &year, &made)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "planning.not_found")
	}
	if err != nil {
		return nil, wrap("make draft", err)
	}
	if !u.CanManage(district, dong) {
		return nil, account.Forbid()
	}
	if made != nil {
		return nil, maeul.Errorf(maeul.ECONFLICT, "planning.survey.made_already")
	}
	if assemblyID == 0 {
		err := s.pool.QueryRow(ctx, `SELECT id FROM assemblies WHERE district = $1 AND dong = $2 AND state = 'draft'
			AND rehearsal_of IS NULL AND extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $3
			ORDER BY starts_at DESC LIMIT 1`, district, dong, year).Scan(&assemblyID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "assembly", "planning.survey.no_assembly")
		}
		if err != nil {
			return nil, wrap("make draft", err)
		}
	}
	a, err := assembly.FindAssembly(ctx, s.pool, assemblyID)
	if err != nil {
		return nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	d, err := s.discovered(ctx, discoveredID)
	if err != nil {
		return nil, err
	}
	in := assembly.AgendaInput{Title: d.Title, Summary: d.Description, DraftingRound: 1,
		ExecutionArea: a.District + " " + a.Dong, Remarks: "발굴의제 (서식 2-4)"}
	if d.Place != nil {
		in.Location = *d.Place
	}
	g, err := s.assemblies.AddAgenda(ctx, a.ID, in)
	if err != nil {
		return nil, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE planning_discovered SET agenda_id = $2 WHERE id = $1 AND agenda_id IS NULL`, discoveredID, g.ID)
	if err == nil && tag.RowsAffected() == 0 {
		// Made twice at once: the other one stands.
		_ = s.assemblies.DeleteAgenda(ctx, a.ID, g.ID)
		return nil, maeul.Errorf(maeul.ECONFLICT, "planning.survey.made_already")
	}
	return g, wrap("make draft", err)
}

// Origin is the 발굴의제 an agenda came from, or nil.
func (s *Service) Origin(ctx context.Context, agendaID int64) (*Discovered, error) {
	rows, _ := s.pool.Query(ctx, discoveredSQL+` WHERE d.agenda_id = $1`, agendaID)
	d, err := one[Discovered](rows, "planning.not_found")
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		return nil, nil
	}
	return d, wrap("origin", err)
}

// Survey returns a dong's survey of the year for those who read it.
func (s *Service) Survey(ctx context.Context, u *account.User, year int, district, dong string) (*Survey, error) {
	district, dong, err := readableDong(u, district, dong)
	if err != nil {
		return nil, err
	}
	sv := &Survey{District: district, Dong: dong, Year: year}
	rows, _ := s.pool.Query(ctx, `SELECT id, category, team, place, detail, photo IS NOT NULL AS has_photo, created_at
		FROM planning_survey_entries WHERE district = $1 AND dong = $2 AND plan_year = $3
		ORDER BY array_position($4::text[], category), created_at, id`, district, dong, year, SurveyCategories)
	if sv.Entries, err = pgx.CollectRows(rows, pgx.RowToStructByName[Entry]); err != nil {
		return nil, wrap("survey", err)
	}
	rows, _ = s.pool.Query(ctx, `SELECT population, households, facilities, statistics, updated_at FROM planning_dong_status
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year)
	if sv.Status, err = one[DongStatus](rows, "planning.not_found"); maeul.ErrorCode(err) == maeul.ENOTFOUND {
		sv.Status, err = nil, nil
	}
	if err != nil {
		return nil, wrap("survey", err)
	}
	rows, _ = s.pool.Query(ctx, `SELECT id, name, octet_length(data) AS size FROM planning_status_files
		WHERE district = $1 AND dong = $2 AND plan_year = $3 ORDER BY id`, district, dong, year)
	if sv.Files, err = pgx.CollectRows(rows, pgx.RowToStructByName[StatusFile]); err != nil {
		return nil, wrap("survey", err)
	}
	rows, _ = s.pool.Query(ctx, discoveredSQL+` WHERE d.district = $1 AND d.dong = $2 AND d.plan_year = $3 ORDER BY d.id`,
		district, dong, year)
	if sv.Discovered, err = pgx.CollectRows(rows, pgx.RowToStructByName[Discovered]); err != nil {
		return nil, wrap("survey", err)
	}
	return sv, nil
}

// SurveyDoneAt is when a dong last recorded a survey entry of the year, or
// nil. For the timeline.
func (s *Service) SurveyDoneAt(ctx context.Context, year int, district, dong string) (*time.Time, error) {
	var at *time.Time
	err := s.pool.QueryRow(ctx, `SELECT max(created_at) FROM planning_survey_entries
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year).Scan(&at)
	return at, wrap("survey done at", err)
}

// CategoryName is the category of the entry it came from, or "".
func (d Discovered) CategoryName() string {
	if d.Category == nil {
		return ""
	}
	return *d.Category
}

// PlaceName is the place of the entry it came from, or "".
func (d Discovered) PlaceName() string {
	if d.Place == nil {
		return ""
	}
	return *d.Place
}
