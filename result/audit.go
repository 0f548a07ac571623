package result

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
)

// AuditEntry is one step of the results and the submission: who, when, what.
type AuditEntry struct {
	ID         int64     `db:"id" json:"id"`
	At         time.Time `db:"at" json:"at"`
	Actor      string    `db:"actor" json:"actor"`
	Role       string    `db:"role" json:"role"`
	District   string    `db:"district" json:"district"`
	Dong       string    `db:"dong" json:"dong"`
	AssemblyID *int64    `db:"assembly_id" json:"assembly_id,omitempty"`
	Action     string    `db:"action" json:"action"`
	// Detail is what was done, in the reader's language (Localize).
	Detail string `db:"detail" json:"detail"`
}

// auditDetail is how a detail is stored: a message key and its arguments,
// so each reader gets it in their own language.
type auditDetail struct {
	Key  string   `json:"k"`
	Args []string `json:"a"`
	// A resubmission compares the list with the one sent before (Changed)
	// and names what changed per agenda; a reply is the dong's answer.
	Changed bool          `json:"ch,omitempty"`
	Changes []auditChange `json:"c,omitempty"`
	Reply   string        `json:"r,omitempty"`
}

// auditChange is what changed in one agenda: message keys of its columns.
type auditChange struct {
	Number int      `json:"n"`
	Fields []string `json:"f"`
}

// audit records one step. The detail is a message key with string
// arguments (user text such as a return reason goes in as an argument).
func audit(ctx context.Context, tx pgx.Tx, u *account.User, district, dong string, assemblyID *int64, action, key string, args ...string) error {
	return auditDetailed(ctx, tx, u, district, dong, assemblyID, action, auditDetail{Key: key, Args: args})
}

// auditDetailed records one step with its whole detail.
func auditDetailed(ctx context.Context, tx pgx.Tx, u *account.User, district, dong string, assemblyID *int64, action string, d auditDetail) error {
	if d.Args == nil {
		d.Args = []string{}
	}
	detail, err := json.Marshal(d)
	if err != nil {
		return wrap("audit", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (user_id, actor, role, district, dong, assembly_id, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.Email, u.Role, district, dong, assemblyID, action, string(detail))
	return wrap("audit "+action, err)
}

// Localize writes each entry's detail in lang.
func Localize(lang string, es []AuditEntry) []AuditEntry {
	for i := range es {
		var d auditDetail
		if json.Unmarshal([]byte(es[i].Detail), &d) != nil || d.Key == "" {
			continue
		}
		args := make([]any, len(d.Args))
		for j, a := range d.Args {
			args[j] = a
		}
		text := i18n.T(lang, d.Key, args...)
		if d.Changed {
			var parts []string
			for _, c := range d.Changes {
				names := make([]string, len(c.Fields))
				for k, f := range c.Fields {
					names[k] = i18n.T(lang, f)
				}
				parts = append(parts, i18n.T(lang, "workflow.change_agenda", c.Number, strings.Join(names, ", ")))
			}
			list := i18n.T(lang, "workflow.changes_none")
			if len(parts) > 0 {
				list = strings.Join(parts, "; ")
			}
			text += " · " + i18n.T(lang, "workflow.audit.changes", list)
		}
		if d.Reply != "" {
			text += " · " + i18n.T(lang, "workflow.audit.reply", d.Reply)
		}
		es[i].Detail = text
	}
	return es
}

// Audit returns the audit entries u may see, newest first, with details in
// lang: a dong host its dong's, a district host its district's, the city
// every entry. district and dong narrow the list further when not empty.
func Audit(ctx context.Context, q assembly.Querier, u *account.User, lang, district, dong string, limit int) ([]AuditEntry, error) {
	if u == nil {
		return nil, nil
	}
	switch u.Role {
	case account.RoleDong:
		district, dong = u.District, u.Dong
	case account.RoleDistrict:
		district = u.District
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, _ := q.Query(ctx, `SELECT id, at, actor, role, district, dong, assembly_id, action, detail FROM audit_log
		WHERE ($1 = '' OR district = $1) AND ($2 = '' OR dong = $2)
		ORDER BY at DESC, id DESC LIMIT $3`, district, dong, limit)
	es, err := pgx.CollectRows(rows, pgx.RowToStructByName[AuditEntry])
	return Localize(lang, es), wrap("read audit log", err)
}

// Audit is Audit on the service's database.
func (s *Service) Audit(ctx context.Context, u *account.User, lang, district, dong string, limit int) ([]AuditEntry, error) {
	return Audit(ctx, s.pool, u, lang, district, dong, limit)
}
