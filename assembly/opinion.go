package assembly

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
)

// Opinion limits, as the opinions table checks them.
const (
	MaxOpinionAuthor = 40
	MaxOpinionBody   = 1000
)

// Opinion is a resident's comment (의견) on one agenda of the booklet.
type Opinion struct {
	ID        int64     `db:"id"`
	AgendaID  int64     `db:"agenda_id"`
	Author    string    `db:"author"`
	Body      string    `db:"body"`
	Hidden    bool      `db:"hidden"`
	CreatedAt time.Time `db:"created_at"`
}

// NewOpinion is what a resident submits.
type NewOpinion struct {
	Author string
	Body   string
}

// Validate trims the fields and returns EINVALID naming the first bad one.
func (n *NewOpinion) Validate() error {
	clean := func(s string) string {
		s = strings.ToValidUTF8(s, "")
		s = strings.ReplaceAll(s, "\x00", "")
		s = strings.ReplaceAll(s, "\r\n", "\n")
		return strings.TrimSpace(s)
	}
	n.Author, n.Body = clean(n.Author), clean(n.Body)
	if strings.ContainsAny(n.Author, "\n\r") {
		n.Author = strings.Join(strings.Fields(n.Author), " ")
	}
	if utf8.RuneCountInString(n.Author) > MaxOpinionAuthor {
		return maeul.FieldErrorf(maeul.EINVALID, "author", "opinion.author_long", MaxOpinionAuthor)
	}
	if n.Body == "" {
		return maeul.FieldErrorf(maeul.EINVALID, "body", "opinion.body_empty")
	}
	if utf8.RuneCountInString(n.Body) > MaxOpinionBody {
		return maeul.FieldErrorf(maeul.EINVALID, "body", "opinion.body_long", MaxOpinionBody)
	}
	return nil
}

// AddOpinion stores a resident's opinion on an agenda of the assembly.
// Returns EINVALID for a bad field, ENOTFOUND if the agenda is not one of
// the assembly's, and ECONFLICT unless the assembly is published or open
// (the check and the insert are one statement, so a closing assembly
// cannot slip one in).
func AddOpinion(ctx context.Context, q Querier, assemblyID, agendaID int64, n NewOpinion) (*Opinion, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	rows, _ := q.Query(ctx, `INSERT INTO opinions (agenda_id, author, body)
		SELECT g.id, $3, $4 FROM agendas g JOIN assemblies a ON a.id = g.assembly_id
		WHERE g.id = $2 AND a.id = $1 AND a.state IN ('published', 'open')
		RETURNING id, agenda_id, author, body, hidden, created_at`, assemblyID, agendaID, n.Author, n.Body)
	o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Opinion])
	if !errors.Is(err, pgx.ErrNoRows) {
		return o, wrap("add opinion", err)
	}
	var state string
	err = q.QueryRow(ctx, `SELECT a.state FROM agendas g JOIN assemblies a ON a.id = g.assembly_id
		WHERE g.id = $2 AND a.id = $1`, assemblyID, agendaID).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "opinion.no_agenda")
	}
	if err != nil {
		return nil, wrap("add opinion", err)
	}
	return nil, maeul.Errorf(maeul.ECONFLICT, "opinion.closed")
}

// FindOpinions returns the opinions on the assembly's agendas, oldest first,
// by agenda id. Hidden ones are included only when withHidden is set.
func FindOpinions(ctx context.Context, q Querier, assemblyID int64, withHidden bool) (map[int64][]Opinion, error) {
	rows, _ := q.Query(ctx, `SELECT o.id, o.agenda_id, o.author, o.body, o.hidden, o.created_at
		FROM opinions o JOIN agendas g ON g.id = o.agenda_id
		WHERE g.assembly_id = $1 AND ($2 OR NOT o.hidden)
		ORDER BY o.created_at, o.id`, assemblyID, withHidden)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Opinion])
	if err != nil {
		return nil, wrap("find opinions", err)
	}
	m := map[int64][]Opinion{}
	for _, o := range list {
		m[o.AgendaID] = append(m[o.AgendaID], o)
	}
	return m, nil
}

// OpinionPlace is where an opinion lives: its assembly and agenda number.
type OpinionPlace struct {
	Assembly *Assembly
	Number   int
}

// FindOpinionPlace returns ENOTFOUND if there is no such opinion.
func FindOpinionPlace(ctx context.Context, q Querier, id int64) (*OpinionPlace, error) {
	var assemblyID int64
	var number int
	err := q.QueryRow(ctx, `SELECT g.assembly_id, g.number FROM opinions o JOIN agendas g ON g.id = o.agenda_id
		WHERE o.id = $1`, id).Scan(&assemblyID, &number)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "opinion.not_found")
	}
	if err != nil {
		return nil, wrap("find opinion", err)
	}
	a, err := FindAssembly(ctx, q, assemblyID)
	if err != nil {
		return nil, err
	}
	return &OpinionPlace{Assembly: a, Number: number}, nil
}

// SetOpinionHidden hides or shows an opinion. Returns ENOTFOUND if there is
// no such opinion.
func SetOpinionHidden(ctx context.Context, q Querier, id int64, hidden bool) error {
	var got int64
	err := q.QueryRow(ctx, `UPDATE opinions SET hidden = $2 WHERE id = $1 RETURNING id`, id, hidden).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.Errorf(maeul.ENOTFOUND, "opinion.not_found")
	}
	return wrap("hide opinion", err)
}

// AddOpinion is the package function on the service's pool.
func (s *Service) AddOpinion(ctx context.Context, assemblyID, agendaID int64, n NewOpinion) (*Opinion, error) {
	return AddOpinion(ctx, s.pool, assemblyID, agendaID, n)
}

// FindOpinions is the package function on the service's pool.
func (s *Service) FindOpinions(ctx context.Context, assemblyID int64, withHidden bool) (map[int64][]Opinion, error) {
	return FindOpinions(ctx, s.pool, assemblyID, withHidden)
}

// FindOpinionPlace is the package function on the service's pool.
func (s *Service) FindOpinionPlace(ctx context.Context, id int64) (*OpinionPlace, error) {
	return FindOpinionPlace(ctx, s.pool, id)
}

// SetOpinionHidden is the package function on the service's pool.
func (s *Service) SetOpinionHidden(ctx context.Context, id int64, hidden bool) error {
	return SetOpinionHidden(ctx, s.pool, id, hidden)
}
