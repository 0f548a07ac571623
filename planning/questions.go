package planning

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// Question is one message between a dong and a department on an agenda.
type Question struct {
	ID         int64     `db:"id" json:"-"`
	AgendaID   int64     `db:"agenda_id" json:"-"`
	AuthorRole string    `db:"author_role" json:"author_role"`
	Author     string    `db:"author" json:"author"`
	Body       string    `db:"body" json:"body"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
}

// Questions lists an agenda's questions and answers, oldest first.
func (s *Service) Questions(ctx context.Context, u *account.User, agendaID int64) ([]Question, error) {
	if _, _, err := s.readAgenda(ctx, u, agendaID); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, agenda_id, author_role, author, body, created_at
		FROM planning_questions WHERE agenda_id = $1 ORDER BY created_at, id`, agendaID)
	qs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Question])
	return qs, wrap("questions", err)
}

// Ask adds a message to an agenda's Q&A: by its dong's hosts or by a
// department of its district named on it or asked to review it.
func (s *Service) Ask(ctx context.Context, u *account.User, agendaID int64, body string) (*Question, error) {
	g, a, err := s.agendaOf(ctx, s.pool, agendaID)
	if err != nil {
		return nil, err
	}
	var role, author string
	switch {
	case u.CanManage(a.District, a.Dong):
		role, author = account.RoleDong, a.Dong
	default:
		ok, err := s.departmentOf(ctx, u, g, a)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, account.Forbid()
		}
		role, author = account.RoleDepartment, u.District+" "+u.Department
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "body", "planning.qa.need_body")
	}
	if utf8.RuneCountInString(body) > maxLong {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "body", "planning.too_long", maxLong)
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO planning_questions (agenda_id, author_id, author_role, author, body)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, agenda_id, author_role, author, body, created_at`,
		agendaID, u.ID, role, author, body)
	q, err := one[Question](rows, "agenda.not_found")
	return q, wrap("ask", err)
}
